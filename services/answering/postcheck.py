"""Grounding post-check of an LLM reply: every claim must carry a marker and be in its source.

The reply is split into units exactly like a source chunk (sentences; numbered steps, list items
and table rows whole). A unit without content words ("Steps:") makes no claim and is skipped.
Every other unit must

1. carry at least one ``[n]`` marker, each pointing to a provided source;
2. have at least ``min_overlap`` of its content words (stems, compound parts and tags,
   ``text.py``) in the cited sources' title, section and (redacted) text. Default 0.6: a
   faithful paraphrase of a plant sentence keeps well over half of its content words, while a
   sentence that adds a claim does not (see tests/integration/test_llm_answerer.py);
3. contain no number and no tag/part code that the cited sources do not contain (a torque of
   999 Nm is unsupported even when every other word is). Leading step numbers are ignored.

Text an injection placed in a source was redacted before the prompt was built, so a reply that
repeats it finds no support. Any failure rejects the whole reply: partial answers are not kept.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from pydantic import BaseModel, Field

from core.models import Chunk
from services.answering.evidence import chunk_context
from services.answering.text import content_terms, is_identifier, numbers_in, term_set, tokens
from services.answering.units import Unit, UnitKind, split_units

MARKER = re.compile(r"\[(\d+(?:\s*[,;]\s*\d+)*)\]")
_LEADING_NUMBER = re.compile(r"^\s*(?:step\s+)?\d{1,2}\s*[.):]\s+", re.I)
_MEASURE = re.compile(r"\d+(?:\.\d+)?[a-z°%]{1,3}")


class ClaimCheck(BaseModel):
    """The verdict on one unit of the reply."""

    text: str
    sources: list[int] = Field(default_factory=list)
    overlap: float = 0.0
    problem: str | None = None


class ReplyCheck(BaseModel):
    """The verdict on a whole reply; ``cited`` lists source numbers by first appearance."""

    ok: bool
    reason: str | None = None
    claims: list[ClaimCheck] = Field(default_factory=list)
    cited: list[int] = Field(default_factory=list)


def markers(text: str) -> list[int]:
    """Source numbers referenced in a text, in order, without repeats ([1][2], [1, 3])."""
    found: list[int] = []
    for group in MARKER.findall(text):
        for part in re.split(r"[,;]", group):
            n = int(part)
            if n not in found:
                found.append(n)
    return found


def strip_markers(text: str) -> str:
    """The text without its ``[n]`` markers."""
    return " ".join(MARKER.sub(" ", text).split())


def _unsupported_codes(claim: str, evidence: set[str], evidence_text: str) -> list[str]:
    """Numbers and tag codes of the claim that the evidence does not contain."""
    body = _LEADING_NUMBER.sub("", claim)
    missing = sorted(numbers_in(body) - numbers_in(evidence_text))
    for tok in tokens(body):
        if is_identifier(tok) and not _MEASURE.fullmatch(tok) and tok not in evidence:
            missing.append(tok)
    return missing


def check_unit(unit: Unit, sources: Sequence[Chunk], min_overlap: float) -> ClaimCheck | None:
    """Check one unit; None when it makes no claim (no content words)."""
    claim = strip_markers(unit.text)
    terms = content_terms(_LEADING_NUMBER.sub("", claim))
    if not terms or unit.kind is UnitKind.HEADING:
        return None
    cited = markers(unit.text)
    result = ClaimCheck(text=claim, sources=cited)
    if not cited:
        result.problem = "no source marker"
        return result
    bad = [n for n in cited if not 1 <= n <= len(sources)]
    if bad:
        result.problem = f"marker [{bad[0]}] points to no provided source"
        return result
    evidence_text = "\n".join(chunk_context(sources[n - 1]) for n in cited)
    evidence = term_set(evidence_text)
    result.overlap = round(sum(1 for t in terms if t in evidence) / len(terms), 4)
    missing = _unsupported_codes(claim, evidence, evidence_text)
    if missing:
        result.problem = f"{', '.join(missing)} not in the cited source(s)"
    elif result.overlap < min_overlap:
        result.problem = f"only {result.overlap:.0%} of its words are in the cited source(s)"
    return result


def check_reply(reply: str, sources: Sequence[Chunk], min_overlap: float = 0.6) -> ReplyCheck:
    """Check every claim of a reply against the numbered ``sources`` (source n = sources[n-1])."""
    claims = [c for u in split_units(reply) if (c := check_unit(u, sources, min_overlap))]
    if not claims:
        return ReplyCheck(ok=False, reason="the reply makes no claim")
    cited: list[int] = []
    for claim in claims:
        if claim.problem:
            return ReplyCheck(
                ok=False, reason=f"sentence {claim.text[:80]!r}: {claim.problem}", claims=claims
            )
        cited.extend(n for n in claim.sources if n not in cited)
    return ReplyCheck(ok=True, claims=claims, cited=cited)
