"""Presenting an answer: split notices from the body, format sources, highlight support.

The UI draws what these functions return and nothing else, and tests check them directly:
which sentence of a snippet supports an answer, how a source is labelled, how the answer text
is made safe for Markdown. Answers and citations come from :mod:`services.ask` or from a
stored interaction (then citations are plain dicts).
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from pydantic import BaseModel

from core.answers import Citation
from core.models import COMPANY_WIDE

NOTICES_HEAD = "Safety notices:"
_MARKER = re.compile(r"\s*\[(\d+)\]")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9(\"'])|\n+")
_WORD = re.compile(r"[a-z0-9]+(?:[.,/-][a-z0-9]+)*")
DOC_TYPE_LABELS = {
    "sop": "SOP",
    "manual": "Manual",
    "incident": "Incident / deviation",
    "work_order": "Work order",
}


class AnswerParts(BaseModel):
    """An answer text split into its safety notice lines (markers kept) and its body."""

    notices: list[str]
    body: str


class Segment(BaseModel):
    """A piece of a snippet, highlighted when it supports the answer."""

    text: str
    highlighted: bool = False


class SourceView(BaseModel):
    """Everything the Sources panel shows for one citation."""

    n: int
    chunk_id: str
    doc_id: str
    title: str
    doc_type: str
    revision: str
    effective_date: str
    site: str
    location: str
    segments: list[Segment]

    @property
    def heading(self) -> str:
        """One line: ``[n] Title (DOC-ID rev R)``."""
        return f"[{self.n}] {self.title} ({self.doc_id} rev {self.revision})"

    @property
    def snippet_html(self) -> str:
        """The snippet as escaped HTML with supporting text in ``<mark>`` (safe to inject)."""
        parts = []
        for seg in self.segments:
            text = html.escape(seg.text).replace("\n", "<br>")
            parts.append(f"<mark>{text}</mark>" if seg.highlighted else text)
        return f'<div class="pc-snippet">{"".join(parts)}</div>'


def split_answer(answer: str) -> AnswerParts:
    """Separate the leading ``Safety notices:`` block (if any) from the rest of the answer."""
    if not answer.startswith(NOTICES_HEAD):
        return AnswerParts(notices=[], body=answer)
    head, _, body = answer.partition("\n\n")
    lines = [line.strip() for line in head.splitlines()[1:] if line.strip()]
    return AnswerParts(notices=lines, body=body)


def supporting_texts(answer: str) -> dict[int, list[str]]:
    """For each marker number, the answer text it follows (one entry per occurrence).

    The text of a marker runs back to the previous marker or line start, so a quoted step or
    sentence is paired with the citation it came from.
    """
    out: dict[int, list[str]] = {}
    for line in answer.splitlines():
        start = 0
        for match in _MARKER.finditer(line):
            text = line[start : match.start()].strip()
            start = match.end()
            if text:
                out.setdefault(int(match.group(1)), []).append(text)
    return out


def _words(text: str) -> set[str]:
    return set(_WORD.findall(text.lower()))


def _spans(snippet: str, supports: Iterable[str]) -> list[tuple[int, int]]:
    """Character ranges of the snippet that support the answer: verbatim quotes first, else
    the snippet sentence sharing most words (at least half) with a paraphrased support."""
    spans: list[tuple[int, int]] = []
    pieces = [(m.start(), m.end()) for m in re.finditer(r"[^\n]+", snippet)]
    for support in supports:
        at = snippet.find(support)
        if at >= 0:
            spans.append((at, at + len(support)))
            continue
        wanted = _words(support)
        best, best_share = None, 0.5
        for start, end in _sentences(snippet, pieces):
            share = len(wanted & _words(snippet[start:end])) / max(len(wanted), 1)
            if share >= best_share:
                best, best_share = (start, end), share
        if best:
            spans.append(best)
    return sorted(spans)


def _sentences(snippet: str, lines: list[tuple[int, int]]) -> Iterator[tuple[int, int]]:
    for start, end in lines:
        cut = start
        for match in _SENTENCE_END.finditer(snippet, start, end):
            yield cut, match.start()
            cut = match.end()
        yield cut, end


def highlight(snippet: str, supports: Iterable[str]) -> list[Segment]:
    """Split ``snippet`` into plain and highlighted segments (overlapping spans merged)."""
    segments: list[Segment] = []
    pos = 0
    for start, end in _spans(snippet, supports):
        if end <= pos:
            continue
        start = max(start, pos)
        if start > pos:
            segments.append(Segment(text=snippet[pos:start]))
        segments.append(Segment(text=snippet[start:end], highlighted=True))
        pos = end
    if pos < len(snippet):
        segments.append(Segment(text=snippet[pos:]))
    return segments


def location(citation: Citation) -> str:
    """Where in the document: section, page, row (whatever is known)."""
    parts = [
        f"Section: {citation.section}" if citation.section else "",
        f"page {citation.page}" if citation.page is not None else "",
        f"row {citation.row}" if citation.row is not None else "",
    ]
    return " · ".join(p for p in parts if p) or "whole document"


def source_views(citations: Sequence[Citation | dict[str, Any]], answer: str) -> list[SourceView]:
    """One view per citation, in number order, with the snippet's supporting text marked."""
    support = supporting_texts(answer)
    views = []
    for raw in citations:
        c = raw if isinstance(raw, Citation) else Citation.model_validate(raw)
        views.append(
            SourceView(
                n=c.n,
                chunk_id=c.chunk_id,
                doc_id=c.doc_id,
                title=c.title,
                doc_type=DOC_TYPE_LABELS.get(c.doc_type, c.doc_type),
                revision=c.revision,
                effective_date=c.effective_date.isoformat() if c.effective_date else "not stated",
                site="company-wide" if c.site == COMPANY_WIDE else c.site,
                location=location(c),
                segments=highlight(c.snippet, support.get(c.n, [])),
            )
        )
    return sorted(views, key=lambda v: v.n)


def to_markdown(text: str) -> str:
    """Answer text made safe for Streamlit Markdown: no LaTeX ($), no headings or quotes from
    document lines, line breaks kept, and ``[n]`` markers in bold."""
    lines = []
    for line in text.splitlines():
        line = line.replace("\\", "\\\\").replace("$", "\\$").replace("~", "\\~")
        line = re.sub(r"^(\s*)([#>])", r"\1\\\2", line)
        lines.append(_MARKER.sub(lambda m: f" **[{m.group(1)}]**", line))
    return "  \n".join(lines)


def stream_pieces(markdown: str) -> Iterator[str]:
    """The Markdown in sentence-sized pieces (whitespace kept), for a streaming display."""
    pos = 0
    for match in re.finditer(r"(?<=[.!?:\]*])\s+", markdown):
        yield markdown[pos : match.end()]
        pos = match.end()
    if pos < len(markdown):
        yield markdown[pos:]
