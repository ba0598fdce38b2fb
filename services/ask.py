"""The ask use case: one question from one user at one site, answered and logged for audit.

Shared by the CLI (``plant-copilot ask``) and the UI, so neither holds any of this logic:
validate the role and site, build the access scope, retrieve inside it, answer from the hits
only, time each stage, and store the interaction (question, exact chunk versions retrieved,
answer, citations, notices, answerer, latencies).
"""

from __future__ import annotations

import logging
import time
from datetime import date
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from core.answers import Answer, SearchHit
from core.errors import UsageError
from core.interactions import record_interaction, update_latency
from core.models import AccessScope, Role
from core.ports import Answerer, Retriever
from core.registry import require_site
from services.answering.compose import abstention
from services.applicability import applicable_hits
from services.asset_history import answer_history, named_assets, with_asset_context
from services.assets import resolver_for
from services.identifiers import unmentioned

if TYPE_CHECKING:
    from services.wiring import Components

log = logging.getLogger(__name__)

UNMENTIONED = "unmentioned"
"""``answerer`` of an abstention for an identifier no document in scope mentions."""

PUBLIC_KEYS = (
    "answer",
    "abstained",
    "citations",
    "safety_notices",
    "latency_ms",
    "interaction_id",
    "closest_documents",
    "answerer",
    "fallback_reason",
    "support_score",
    "assets",
    "notices",
    "history",
)
"""Keys of ``plant-copilot ask --json``: a public contract, tested key for key."""


class AnswerResult(BaseModel):
    """An answer and the id of its interaction record."""

    answer: Answer
    interaction_id: int

    def public(self) -> dict[str, Any]:
        """The JSON-ready public shape (see :data:`PUBLIC_KEYS`)."""
        data = self.answer.model_dump(mode="json")
        data["interaction_id"] = self.interaction_id
        return {key: data[key] for key in PUBLIC_KEYS}


def _ms(seconds: float) -> float:
    return round(seconds * 1000.0, 2)


def clean_question(question: str, max_chars: int) -> str:
    """The question stripped; UsageError when empty or longer than ``max_chars``."""
    text = " ".join(question.split())
    if not text:
        raise UsageError("the question is empty")
    if len(text) > max_chars:
        raise UsageError(f"the question is longer than {max_chars} characters")
    return text


def in_scope(hits: list[SearchHit], scope: AccessScope) -> list[SearchHit]:
    """Defence in depth: drop any hit the scope does not allow (a retriever bug must not leak)."""
    kept = [h for h in hits if scope.allows(h.chunk.site, h.chunk.audience, current=True)]
    if len(kept) != len(hits):
        log.warning("retriever returned %d out-of-scope hit(s); dropped", len(hits) - len(kept))
    return kept


def _log(
    components: Components,
    user: str | None,
    role: Role,
    site: str,
    question: str,
    hits: list[SearchHit],
    answer: Answer,
    latency: dict[str, float],
    start: float,
) -> int:
    """Store the interaction; completes ``latency`` with the store and total times."""
    stored = time.perf_counter()
    with components.db.session() as session:
        interaction_id = record_interaction(
            session,
            username=(user or "").strip() or "anonymous",
            role=role.value,
            site=site,
            question=question,
            hits=hits,
            answer=answer.model_copy(update={"latency_ms": dict(latency)}),
        )
        latency["store"] = _ms(time.perf_counter() - stored)
        latency["total"] = _ms(time.perf_counter() - start)
        update_latency(session, interaction_id, latency)
    return interaction_id


def _document_answer(
    components: Components,
    answerer: Answerer,
    retriever: Retriever,
    scope: AccessScope,
    site: str,
    text: str,
    hits: list[SearchHit],
) -> Answer:
    """The answerer's answer from the hits that apply to the asset the question names (a
    manual for a sibling machine is set aside, with a notice), with the asset's links; an
    abstention when the question names an identifier no document in scope mentions."""
    with components.db.session() as session:
        register = resolver_for(session, site)
    missing = unmentioned(text, hits, register, lambda t: retriever.search(t, scope, 5))
    if missing:
        why = f"No document in your scope mentions {', '.join(missing)}."
        limit = components.settings.answer.closest_documents
        return abstention(hits, limit, 0.0, UNMENTIONED, why=why)
    tags = named_assets(text, register)
    usable, set_aside = applicable_hits(components.db, site, tags, hits)
    answer = answerer.answer(text, usable, scope.role)
    return with_asset_context(
        components.db, scope, site, tags, answer, [m.message() for m in set_aside]
    )


def prefer_documents(history: Answer | None, documents: Answer) -> Answer:
    """The documents' answer, unless both abstain and the history says why it cannot count.

    The history path abstains when the question's period lies outside the records' dates. A
    question can read like a count and not be one ("IMM-4 was down 9 hours yesterday: what
    severity does that count as?"): the reader decides whether the documents answer it, and
    the records' coverage goes with its answer as a notice."""
    if history is None:
        return documents
    if documents.abstained:
        return history
    return documents.model_copy(update={"notices": [*documents.notices, history.answer]})


def ask(
    components: Components,
    question: str,
    site: str,
    role: str | Role,
    user: str | None = None,
    k: int | None = None,
    retriever: Retriever | None = None,
    answerer: Answerer | None = None,
    today: date | None = None,
) -> AnswerResult:
    """Answer ``question`` for ``user`` (role, site) from in-scope sources and log it.

    ``retriever`` and ``answerer`` default to the wired ones; tests pass their own. A question
    about an asset's history is answered from its rows (services.asset_history); ``today``
    anchors "this year" and defaults to the real date.
    Raises UsageError (bad role, site, k or question) or BackendUnavailableError (index or
    database down); an unavailable LLM never raises, it falls back to the reader answer.
    """
    settings = components.settings.answer
    text = clean_question(question, settings.max_question_chars)
    role_ = Role.parse(role)
    k = settings.retrieve_k if k is None else k
    if not 1 <= k <= 50:
        raise UsageError("k must be between 1 and 50")
    with components.db.session() as session:
        site_id = require_site(session, site)
    scope = AccessScope(role=role_, sites=frozenset({site_id}))
    retriever = retriever or components.retriever()
    answerer = answerer or components.answerer()

    start = time.perf_counter()
    history = answer_history(
        components.db, scope, site_id, text, today or date.today(), components.record_matcher()
    )
    hits: list[SearchHit] = []
    if history is None or history.abstained:
        hits = in_scope(retriever.search(text, scope, k), scope)
    retrieved = time.perf_counter()
    if history is not None and not history.abstained:
        answer = history
    else:
        documents = _document_answer(components, answerer, retriever, scope, site_id, text, hits)
        answer = prefer_documents(history, documents)
    answered = time.perf_counter()
    latency = {"retrieve": _ms(retrieved - start), "answer": _ms(answered - retrieved)}
    interaction_id = _log(components, user, role_, site_id, text, hits, answer, latency, start)
    answer = answer.model_copy(update={"latency_ms": latency})
    return AnswerResult(answer=answer, interaction_id=interaction_id)
