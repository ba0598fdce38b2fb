"""Split chunk text (or an LLM reply) into quotable units: sentences, whole steps, table rows.

Numbered steps are kept whole with their indented continuation lines and sub-items, whether
they start lines (Markdown, DOCX) or run inline in one paragraph (text extracted from PDFs:
"LIQUOR CHANGE 1. Agree a time ... 2. Stop P-SCR ..."). Wrapped paragraph lines are joined with
one space before sentence splitting, the only change made to the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from enum import StrEnum

from core.chunk_text import TABLE_LINE, TABLE_RULE

_STEP = re.compile(r"^\s*(?:step\s+)?(\d{1,2})\s*[.):]\s+\S", re.I)
_SUB_ITEM = re.compile(r"^\s*(?:[-*•]|[a-z][.)])\s+\S")
_HEADING = re.compile(r"^\s*#{1,6}\s")
# A line opening with a label ("WARNING:") or with two capitalised words ("LIQUOR CHANGE")
# starts a new paragraph, as PDF text extraction loses the blank lines between blocks.
_LABEL = re.compile(r"^\s*\**(?:[A-Z][A-Z /]{2,24}\**\s*:|[A-Z]{2,}(?:[ /-]+[A-Z]{2,})+\b)")
_INLINE_STEP = re.compile(r"(?:^|(?<=\s))(\d{1,2})\.\s+(?=[A-Z\"(])")
# A sentence ends at . ! ? before a capital or digit; a citation marker right after the
# full stop stays with its sentence ("Stop the filler. [1] Then ..." splits after "[1]").
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(])|(?<=\d\])\s+(?=[A-Z\"'(])")


class UnitKind(StrEnum):
    """What a unit of text is; steps and table rows are quoted whole."""

    SENTENCE = "sentence"
    STEP = "step"
    ITEM = "item"
    TABLE_ROW = "table_row"
    TABLE_HEADER = "table_header"
    """A table's header row: column names, no fact; read with every row under it."""
    HEADING = "heading"
    PROCEDURE = "procedure"
    """A whole run of numbered steps, read as one passage (never quoted as such: the answer
    quotes its steps)."""


@dataclass(frozen=True)
class Unit:
    """A quotable piece of a chunk, verbatim, with its position in the chunk."""

    text: str
    kind: UnitKind
    position: int
    header: str | None = None

    @property
    def step_number(self) -> int | None:
        """The number of a numbered step, else None."""
        match = _STEP.match(self.text) if self.kind is UnitKind.STEP else None
        return int(match.group(1)) if match else None


def inline_steps(paragraph: str) -> tuple[str, list[str]]:
    """Split "intro 1. Do this. 2. Do that." into the intro and whole steps.

    Only the longest run of consecutive step numbers (at least two) counts, so a lone
    "section 4. The ..." is not a step; without such a run the whole paragraph is the intro.
    """
    best: list[tuple[int, int]] = []
    run: list[tuple[int, int]] = []
    for match in _INLINE_STEP.finditer(paragraph):
        mark = (match.start(), int(match.group(1)))
        run = [*run, mark] if run and mark[1] == run[-1][1] + 1 else [mark]
        if len(run) > len(best):
            best = run
    if len(best) < 2:
        return paragraph, []
    ends = [pos for pos, _ in best[1:]] + [len(paragraph)]
    steps = [paragraph[start:end].strip() for (start, _), end in zip(best, ends, strict=True)]
    return paragraph[: best[0][0]].strip(), steps


class _Splitter:
    """Walks lines once, grouping wrapped paragraphs, steps with their sub-items, table rows."""

    def __init__(self) -> None:
        self.units: list[Unit] = []
        self.paragraph: list[str] = []
        self.step: list[str] = []
        self.table_header: str | None = None
        self.header_at = 0

    def add(self, text: str, kind: UnitKind, header: str | None = None) -> None:
        self.units.append(Unit(text, kind, len(self.units), header))

    def sentences(self, text: str) -> None:
        for sentence in _SENTENCE_END.split(text):
            if sentence.strip():
                self.add(sentence.strip(), UnitKind.SENTENCE)

    def flush_paragraph(self) -> None:
        if self.paragraph:
            joined = " ".join(line.strip() for line in self.paragraph)
            intro, steps = inline_steps(joined)
            self.sentences(intro)
            for step in steps:
                self.add(step, UnitKind.STEP)
            self.paragraph = []

    def flush_step(self) -> None:
        if self.step:
            self.add("\n".join(self.step).strip(), UnitKind.STEP)
            self.step = []

    def flush(self) -> None:
        self.flush_paragraph()
        self.flush_step()

    def line(self, raw: str) -> None:
        line = raw.rstrip()
        if not line.strip():
            self.flush()
            self.table_header = None
        elif _HEADING.match(line):
            self.flush()
            self.add(line.strip(), UnitKind.HEADING)
        elif TABLE_LINE.match(line):
            self._table_line(line)
        elif _STEP.match(line):
            self.flush()
            self.step = [line]
        elif self.step and (line[:1].isspace() or _SUB_ITEM.match(line)):
            self.step.append(line)
        elif _SUB_ITEM.match(line):
            self.flush()
            self.add(line.strip(), UnitKind.ITEM)
        else:
            self.flush_step()
            if _LABEL.match(line):
                self.flush_paragraph()
            self.paragraph.append(line)

    def _table_line(self, line: str) -> None:
        self.flush()
        if TABLE_RULE.match(line):
            return
        if self.table_header is None:
            self.table_header = line.strip()
            self.header_at = len(self.units)
            self.add(line.strip(), UnitKind.TABLE_ROW)  # a lone line (a record) is a row
        else:
            first = self.units[self.header_at]
            if first.kind is UnitKind.TABLE_ROW:  # rows follow: the first line was the header
                self.units[self.header_at] = replace(first, kind=UnitKind.TABLE_HEADER)
            self.add(line.strip(), UnitKind.TABLE_ROW, self.table_header)


def split_units(text: str) -> list[Unit]:
    """Split chunk text into quotable units: sentences, whole numbered steps, table rows.

    A numbered step keeps its indented continuation lines and sub-items; wrapped paragraph
    lines are joined with one space before sentence splitting (the only change to the text).
    """
    splitter = _Splitter()
    for raw in text.splitlines():
        splitter.line(raw)
    splitter.flush()
    return splitter.units
