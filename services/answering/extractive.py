"""The built-in answerer: quotes the retrieved sources verbatim, never generates text.

Works without any model (none usable ships offline, see README). Given the question and the
already scope-filtered hits it:

1. computes the support score (``support.py``) and abstains below ``abstain_threshold``;
2. for "how do I / steps / procedure" questions, quotes the numbered steps of the best
   supporting section whole and in order, reading its unretrieved chunks through the section
   lookup (``procedure.py``);
3. otherwise quotes the best sentences (term overlap weighted like BM25, asset tags and
   numbers weighing more, earlier hits preferred; terms the chunk's title or section already
   answer count less, so "what PPE for the caustic wash" quotes the gloves sentence of the
   caustic-wash SOP, not its temperature), at most ``max_sentences`` from at most
   ``max_sources`` chunks, each chunk's sentences in document order;
4. puts the safety notices of every cited chunk and of its section first, verbatim.

Everything is deterministic: ties break on rank, then position in the chunk.
"""

from __future__ import annotations

from collections.abc import Iterable

from core.answers import Answer, SearchHit
from core.models import Role
from core.settings import AnswerSettings
from services.answering.compose import Quote, abstention, compose, without_notices
from services.answering.evidence import (
    own_heading_terms,
    quotable_units,
    table_subject,
    unit_evidence,
)
from services.answering.procedure import procedure_quotes
from services.answering.question_shape import asks_for_procedure, asks_for_quantity
from services.answering.safety import SectionLookup, collect_notices
from services.answering.support import HitSupport, QuestionProfile, assess, rank_hits
from services.answering.text import (
    CAUSE_TERM,
    has_number,
    term_set,
)
from services.answering.units import Unit, UnitKind

RANK_DECAY = 0.9
"""Each rank down multiplies a sentence's score by this: top hits are preferred."""
KEEP_RATIO = 0.7
"""Sentences scoring at least this share of the best one are quoted too."""
NO_NUMBER_PENALTY = 0.6
"""For "how long / what torque" questions, a sentence without any number scores this much."""
SPEC_ROW_BONUS = 1.25
"""For quantity questions, a table row scores this much more: a parameter table is where a
document states a value; steps and notes restate it ("at least 3.5%" vs "4.0% w/w")."""


class ExtractiveAnswerer:
    """Implements :class:`core.ports.Answerer` by verbatim quotation with ``[n]`` markers."""

    name = "extractive"

    def __init__(
        self, settings: AnswerSettings | None = None, section_lookup: SectionLookup | None = None
    ) -> None:
        self.settings = settings or AnswerSettings()
        self.section_lookup = section_lookup

    def answer(self, question: str, hits: list[SearchHit], role: Role) -> Answer:
        """Answer from ``hits`` only, or abstain naming the closest in-scope documents."""
        ordered = rank_hits(hits)
        found = assess(
            question, ordered, self.settings.support_hits, self.settings.dense_support_weight
        )
        prof, supports, support = found.profile, found.supports, found.score
        top = supports[: self.settings.support_hits]
        if support < self.settings.abstain_threshold:
            return abstention(ordered, self.settings.closest_documents, support)
        procedure = asks_for_procedure(question)
        quotes = (
            procedure_quotes(
                prof,
                ordered,
                supports,
                self.settings.abstain_threshold,
                self.section_lookup,
                RANK_DECAY,
            )
            if procedure
            else []
        )
        procedure = bool(quotes)
        quotes = quotes or self._with_cause_section(
            prof, ordered, self._factual(question, prof, ordered, top)
        )
        if not quotes:
            return abstention(ordered, self.settings.closest_documents, support)
        notices = collect_notices([q.hit.chunk for q in quotes], ordered, self.section_lookup)
        if not procedure:
            quotes = without_notices(quotes, notices)
        return compose(quotes, notices, ordered, procedure, support)

    def _with_cause_section(
        self, prof: QuestionProfile, hits: list[SearchHit], quotes: list[Quote]
    ) -> list[Quote]:
        """For a "why / what caused" question: the cause section (Root cause, Investigation...)
        of the best-supported document, quoted first and whole, then the other quotes.

        A cause is rarely phrased with the question's words ("LC-201 zero had drifted"), so
        sentence overlap alone picks the summary; the report's own cause section is the answer.
        """
        if prof.focus != (CAUSE_TERM,) or not quotes:
            return quotes
        doc_id = quotes[0].hit.chunk.doc_id
        for hit in hits[: self.settings.support_hits]:
            if hit.chunk.doc_id == doc_id and CAUSE_TERM in own_heading_terms(hit.chunk):
                units = quotable_units(hit.chunk)[: self.settings.max_sentences]
                rest = [q for q in quotes if q.hit.chunk.chunk_id != hit.chunk.chunk_id]
                return [Quote(hit, units), *rest][: self.settings.max_sources] if units else quotes
        return quotes

    def _factual(
        self,
        question: str,
        prof: QuestionProfile,
        hits: list[SearchHit],
        supports: list[HitSupport],
    ) -> list[Quote]:
        """The best-scoring sentences, grouped per chunk in order of each chunk's best one."""
        scored = _score_units(question, prof, hits[: self.settings.support_hits], supports)
        chosen: dict[str, Quote] = {}
        taken = 0
        for score, hit, unit in scored:
            if score < KEEP_RATIO * scored[0][0] or taken >= self.settings.max_sentences:
                break
            cid = hit.chunk.chunk_id
            if cid not in chosen and len(chosen) >= self.settings.max_sources:
                continue
            if _is_duplicate(unit.text, chosen.values()):
                continue
            chosen.setdefault(cid, Quote(hit, [])).units.append(unit)
            taken += 1
        for quote in chosen.values():
            quote.units.sort(key=lambda u: u.position)
        return list(chosen.values())


def _score_units(
    question: str, prof: QuestionProfile, hits: list[SearchHit], supports: list[HitSupport]
) -> list[tuple[float, SearchHit, Unit]]:
    """Every quotable unit with some question term, scored and sorted best first.

    Terms the chunk's title/section already answer are context: the sentence must carry the
    rest (``residual``); lower-ranked hits decay; a sentence (with its section heading) naming
    what the question asks for (its focus: the attribute, a cause) is preferred; quantity
    questions favour stated numbers and parameter-table rows.
    """
    chunk_cov = {s.chunk_id: s.chunk_coverage for s in supports}
    wants_number = asks_for_quantity(question)
    scored = []
    for hit in hits:
        decay = RANK_DECAY ** (hit.rank - 1)
        section = own_heading_terms(hit.chunk)
        subject = table_subject(hit.chunk)
        residual = prof.residual(term_set(f"{hit.chunk.title}\n{hit.chunk.section}"))
        for unit in quotable_units(hit.chunk):
            evidence = unit_evidence(unit, subject)
            unit_cov = prof.coverage(evidence)
            if unit_cov <= 0:
                continue
            mix = 0.5 * residual.coverage(evidence) + 0.2 * unit_cov
            score = (mix + 0.3 * chunk_cov[hit.chunk.chunk_id]) * decay
            score *= prof.focus_factor(evidence | section)
            if wants_number:
                score *= _quantity_factor(unit)
            scored.append((score, hit, unit))
    scored.sort(key=lambda t: (-t[0], t[1].rank, t[2].position))
    return scored


def _quantity_factor(unit: Unit) -> float:
    """Quantity questions: a unit without a number is penalised, a table row preferred."""
    if not has_number(unit.text):
        return NO_NUMBER_PENALTY
    return SPEC_ROW_BONUS if unit.kind is UnitKind.TABLE_ROW else 1.0


def _norm(text: str) -> str:
    return " ".join(text.split()).lower()


def _is_duplicate(text: str, quotes: Iterable[Quote]) -> bool:
    """True when the same sentence is already quoted (duplicated documents or chunks)."""
    key = _norm(text)
    return any(_norm(u.text) == key for q in quotes for u in q.units)
