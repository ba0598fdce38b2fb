"""Optional LLM answerer: an OpenAI-compatible endpoint or a local GGUF model (``ChatBackend``).

``ChatClient`` is the only network code of the product, and it only ever talks to
``LLMSettings.base_url`` (with ``trust_env=False``: no proxy or netrc from the environment).
The guard answer (the reader's) is always computed first: it gates the call (no support, no
call: its abstention is returned), it orders the sources, and it is the fallback. The LLM's
reply is accepted only when it passes the grounding post-check (``postcheck.py``); otherwise,
and whenever the model fails or times out, the guard answer is returned with
``answerer="<guard>-fallback"`` and the reason.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from typing import Any

import httpx

from core.answers import Answer, SearchHit
from core.errors import BackendUnavailableError
from core.models import Role
from core.ports import Answerer, ChatBackend
from core.settings import AnswerSettings, LLMSettings
from services.answering.compose import ABSTAIN_TEXT, Quote, abstention, compose
from services.answering.evidence import quotable_units, unit_evidence
from services.answering.llm_prompt import build_messages
from services.answering.postcheck import MARKER, ReplyCheck, check_reply, strip_markers
from services.answering.safety import SectionLookup, collect_notices
from services.answering.text import content_terms


class ChatClient:
    """Minimal client of ``POST {base_url}/chat/completions``; errors become one exception type."""

    def __init__(self, settings: LLMSettings, transport: httpx.BaseTransport | None = None) -> None:
        url = settings.base_url or ""
        # A bad URL is reported by complete(), so that it ends in a fallback, not a crash.
        self._config_error = (
            None
            if url.startswith(("http://", "https://"))
            else "LLM base_url is not an http(s) URL"
        )
        self.settings = settings
        self._http = httpx.Client(
            base_url=url.rstrip("/") + "/" if self._config_error is None else "http://invalid/",
            timeout=httpx.Timeout(settings.timeout_s),
            trust_env=False,
            transport=transport,
        )

    def _headers(self) -> dict[str, str]:
        key = os.environ.get(self.settings.api_key_env, "")
        return {"Authorization": f"Bearer {key}"} if key else {}

    def complete(self, messages: list[dict[str, str]]) -> str:
        """The assistant message of one deterministic completion, or BackendUnavailableError."""
        if self._config_error:
            raise BackendUnavailableError(self._config_error)
        payload: dict[str, Any] = {
            "model": self.settings.model,
            "messages": messages,
            "temperature": 0,
        }
        try:
            response = self._http.post("chat/completions", json=payload, headers=self._headers())
        except httpx.TimeoutException as exc:
            raise BackendUnavailableError(
                f"LLM timed out after {self.settings.timeout_s:g} s"
            ) from exc
        except httpx.HTTPError as exc:
            raise BackendUnavailableError(f"LLM unreachable: {type(exc).__name__}") from exc
        if response.status_code != 200:
            raise BackendUnavailableError(f"LLM answered HTTP {response.status_code}")
        try:
            content = response.json()["choices"][0]["message"]["content"]
        except (ValueError, KeyError, IndexError, TypeError) as exc:
            raise BackendUnavailableError("LLM reply is not a chat completion") from exc
        if not isinstance(content, str) or not content.strip():
            raise BackendUnavailableError("LLM reply is empty")
        return content

    def close(self) -> None:
        """Close pooled connections."""
        self._http.close()


def is_abstention(reply: str) -> bool:
    """True when the reply is (or contains) the fixed abstention phrase."""
    norm = " ".join(strip_markers(reply).lower().split())
    return ABSTAIN_TEXT.lower().rstrip(".") in norm


def renumber(reply: str, order: Sequence[int]) -> str:
    """Rewrite source markers so that the n-th cited source becomes [n]."""
    mapping = {src: i + 1 for i, src in enumerate(order)}

    def swap(match: re.Match[str]) -> str:
        numbers = [int(p) for p in re.split(r"[,;]", match.group(1))]
        return "".join(f"[{mapping[n]}]" for n in numbers if n in mapping)

    return MARKER.sub(swap, reply)


def _supporting_quotes(check: ReplyCheck, sources: Sequence[SearchHit]) -> list[Quote]:
    """Per cited source, the source units closest to the claims citing it (citation snippets)."""
    quotes = []
    for n in check.cited:
        hit = sources[n - 1]
        units = quotable_units(hit.chunk)
        chosen = []
        for claim in (c for c in check.claims if n in c.sources):
            terms = set(content_terms(claim.text))
            best = max(units, key=lambda u: len(terms & unit_evidence(u)), default=None)
            if best is not None and best not in chosen:
                chosen.append(best)
        quotes.append(Quote(hit, sorted(chosen, key=lambda u: u.position)))
    return quotes


class LLMAnswerer:
    """Implements :class:`core.ports.Answerer` with an LLM, guarded by another answerer."""

    name = "llm"

    def __init__(
        self,
        llm: LLMSettings,
        settings: AnswerSettings,
        guard: Answerer,
        section_lookup: SectionLookup | None = None,
        client: ChatBackend | None = None,
    ) -> None:
        self.settings = settings
        self.guard = guard
        self.section_lookup = section_lookup
        self.client = client or ChatClient(llm)

    def answer(self, question: str, hits: list[SearchHit], role: Role) -> Answer:
        """The LLM's answer when it passes the post-check, else the guard's."""
        guarded = self.guard.answer(question, hits, role)
        support = guarded.support_score or 0.0
        if guarded.abstained:
            return guarded.model_copy(
                update={"fallback_reason": "support below abstain threshold: LLM not asked"}
            )
        ordered = _guard_order(guarded, hits)
        sources = ordered[: self.settings.llm_max_sources]
        messages = build_messages(question, sources, role, self.settings.prompt_version)
        try:
            reply = self.client.complete(messages)
        except BackendUnavailableError as exc:
            return _fallback(guarded, str(exc))
        if is_abstention(reply):
            return abstention(ordered, self.settings.closest_documents, support, answerer="llm")
        check = check_reply(reply, [h.chunk for h in sources], self.settings.postcheck_min_overlap)
        if not check.ok:
            return _fallback(guarded, f"post-check failed: {check.reason}")
        quotes = _supporting_quotes(check, sources)
        notices = collect_notices([q.hit.chunk for q in quotes], ordered, self.section_lookup)
        body = renumber(reply.strip(), check.cited)
        result = compose(quotes, notices, ordered, procedure=False, support=support, body=body)
        return result.model_copy(update={"answerer": self.name})


def _guard_order(guarded: Answer, hits: Sequence[SearchHit]) -> list[SearchHit]:
    """The hits with those the guard cited first (in citation order), then by rank: the LLM
    reads the sources the reader judged best first."""
    cited = [c.chunk_id for c in guarded.citations]
    by_rank = sorted(hits, key=lambda h: (h.rank, -h.score))
    return sorted(
        by_rank,
        key=lambda h: cited.index(h.chunk.chunk_id) if h.chunk.chunk_id in cited else len(cited),
    )


def _fallback(guarded: Answer, reason: str) -> Answer:
    return guarded.model_copy(
        update={"answerer": f"{guarded.answerer}-fallback", "fallback_reason": reason}
    )
