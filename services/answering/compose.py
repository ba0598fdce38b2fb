"""Turn selected quotes and safety notices into an Answer with numbered citations.

Layout of an answer text: the safety notices first (verbatim, each with its marker), a blank
line, then the quoted sentences or steps, each followed by ``[n]``. Citation ``n`` is the n-th
quoted chunk; chunks cited only for a notice are numbered after them.
"""

from __future__ import annotations

from collections.abc import Container, Sequence
from dataclasses import dataclass

from core.answers import Answer, Citation, ClosestDocument, SearchHit
from core.models import Chunk
from services.answering.safety import Notice
from services.answering.units import Unit, UnitKind

ABSTAIN_TEXT = "The documents available to you do not answer this."
"""The fixed abstention sentence (also the phrase an LLM is told to reply with)."""

_BLOCK_KINDS = (UnitKind.STEP, UnitKind.ITEM, UnitKind.TABLE_ROW, UnitKind.TABLE_HEADER)


@dataclass
class Quote:
    """Units quoted from one hit, in document order."""

    hit: SearchHit
    units: list[Unit]


def render_unit(unit: Unit, n: int) -> str:
    """A unit verbatim with its marker; a table row is preceded by its header row."""
    body = f"{unit.header}\n{unit.text}" if unit.header else unit.text
    return f"{body} [{n}]"


def _paragraph(quote: Quote, n: int, procedure: bool) -> str:
    parts: list[str] = []
    header: str | None = None
    for unit in quote.units:
        # rows of one table under one header row: the header is shown once, above the first
        shown = (
            unit
            if unit.header is None or unit.header != header
            else Unit(unit.text, unit.kind, unit.position)
        )
        header = unit.header
        rendered = render_unit(shown, n)
        block = procedure or unit.kind in _BLOCK_KINDS
        if parts and (block or "\n" in parts[-1]):
            parts.append("\n" + rendered)
        else:
            parts.append((" " if parts else "") + rendered)
    return "".join(parts)


def _hit_for(chunk: Chunk, hits: Sequence[SearchHit]) -> SearchHit:
    """The retrieved hit of a chunk, or a zero-score stand-in for a section sibling."""
    for hit in hits:
        if hit.chunk.chunk_id == chunk.chunk_id:
            return hit
    return SearchHit(rank=0, chunk=chunk, score=0.0)


def _number_sources(
    quotes: Sequence[Quote], notices: Sequence[Notice], hits: Sequence[SearchHit]
) -> tuple[dict[str, int], list[Citation], list[str]]:
    """Citation numbers per chunk id, the citations, and the marked notice lines.

    Quoted chunks come first, in quote order (also a quote left without units because its
    sentences are shown as notices); chunks cited only for a notice follow, their snippet being
    their notices.
    """
    numbers: dict[str, int] = {}
    citations: list[Citation] = []
    for quote in quotes:
        cid = quote.hit.chunk.chunk_id
        numbers[cid] = len(citations) + 1
        # A quote whose sentences all became notices: its snippet is those notices.
        texts = [u.text for u in quote.units] or [
            n.text for n in notices if n.chunk.chunk_id == cid
        ]
        citations.append(Citation.from_hit(len(citations) + 1, quote.hit, "\n".join(texts)))
    notice_only: dict[str, list[str]] = {}
    lines: list[str] = []
    for notice in notices:
        cid = notice.chunk.chunk_id
        if cid not in numbers:
            numbers[cid] = len(citations) + len(notice_only) + 1
            notice_only[cid] = []
        if cid in notice_only:
            notice_only[cid].append(notice.text)
        lines.append(f"{notice.text} [{numbers[cid]}]")
    for cid, texts in notice_only.items():
        chunk = next(n.chunk for n in notices if n.chunk.chunk_id == cid)
        citations.append(Citation.from_hit(numbers[cid], _hit_for(chunk, hits), "\n".join(texts)))
    return numbers, citations, lines


def compose(
    quotes: Sequence[Quote],
    notices: Sequence[Notice],
    hits: Sequence[SearchHit],
    procedure: bool,
    support: float,
    body: str | None = None,
) -> Answer:
    """Build the answer text, its citations and its notice list.

    ``body`` replaces the rendered quotes (an LLM reply whose markers already follow the
    quotes' order); the quotes then only supply citations and their snippets.
    """
    numbers, citations, lines = _number_sources(quotes, notices, hits)
    if body is None:
        body = ("\n" if procedure else "\n\n").join(
            _paragraph(q, numbers[q.hit.chunk.chunk_id], procedure) for q in quotes if q.units
        )
    head = "Safety notices:\n" + "\n".join(lines) if lines else ""
    return Answer(
        answer="\n\n".join(part for part in (head, body) if part),
        abstained=False,
        citations=citations,
        safety_notices=[n.text for n in notices],
        support_score=round(support, 4),
    )


def closest_documents(hits: Sequence[SearchHit], limit: int) -> list[ClosestDocument]:
    """The best-ranked distinct documents among the (in-scope) hits."""
    out: list[ClosestDocument] = []
    for hit in hits:
        if len(out) >= limit:
            break
        if all(d.doc_id != hit.chunk.doc_id for d in out):
            chunk = hit.chunk
            out.append(
                ClosestDocument(doc_id=chunk.doc_id, title=chunk.title, section=chunk.section)
            )
    return out


def abstention(
    hits: Sequence[SearchHit],
    limit: int,
    support: float,
    answerer: str = "reader",
    reason: str | None = None,
    why: str | None = None,
) -> Answer:
    """Say plainly that the documents do not answer (``why``, when known, follows), and name
    the closest in-scope documents.

    Only titles, ids and section names of hits are shown: the hits are in the asker's scope,
    so nothing outside it can appear here, and no chunk text is quoted.
    """
    closest = closest_documents(hits, limit)
    head = f"{ABSTAIN_TEXT} {why}" if why else ABSTAIN_TEXT
    if closest:
        named = "\n".join(
            f"- {d.title} ({d.doc_id}{', ' + d.section if d.section else ''})" for d in closest
        )
        text = f"{head}\nClosest documents in your scope:\n{named}"
    else:
        text = f"{head} No document in your scope matched the question."
    return Answer(
        answer=text,
        abstained=True,
        closest_documents=closest,
        answerer=answerer,
        support_score=round(support, 4),
        fallback_reason=reason,
    )


def without_notices(
    quotes: Sequence[Quote], notices: Sequence[Notice], keep: Container[UnitKind] = ()
) -> list[Quote]:
    """Drop quoted text already shown verbatim as a safety notice (units of a kind in ``keep``
    stay as they are).

    A unit equal to a notice, or one of the sentences of a longer notice line, is dropped;
    a notice that opens or closes a longer unit (a bullet
    "- Hearing protection is mandatory. Measured noise is 89 dB(A) ...") is cut from it, so the
    rest is still one contiguous verbatim quote; a notice in the middle of a unit stays. A quote
    left empty stays (with no units) when its chunk is a notice source: it is still the
    best-answering chunk, so it keeps its place, and its number, among the citations.
    """
    shown = [" ".join(n.text.split()) for n in notices]
    sources = {n.chunk.chunk_id for n in notices}
    out = []
    for quote in quotes:
        cut = (u if u.kind in keep else _cut_notices(u, shown) for u in quote.units)
        units = [u for u in cut if u is not None]
        if units or quote.hit.chunk.chunk_id in sources:
            out.append(Quote(quote.hit, units))
    return out


def _cut_notices(unit: Unit, shown: Sequence[str]) -> Unit | None:
    """``unit`` without a shown notice at its start or end; None when nothing is left, or
    when the unit is one of the sentences of a longer notice line (shown there already)."""
    original = " ".join(unit.text.split())
    text = original
    for notice in filter(None, shown):
        lowered, needle = text.lower(), notice.lower()
        if f" {lowered} " in f" {needle} ":  # the whole notice, or one of its sentences
            return None
        if lowered.startswith(needle + " "):
            text = text[len(notice) :].strip()
        elif lowered.endswith(" " + needle):
            text = text[: -len(notice)].strip()
    return unit if text == original else Unit(text, unit.kind, unit.position, unit.header)
