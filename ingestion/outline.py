"""Section paths from a numbered outline, for documents that have no headings at all.

Regulations and standards (29 CFR 1910.147, 1910.119, ...) are numbered outlines, not headed
documents: ``(c) General —``, ``(7) Training and communication.``, ``(iii) Employee
retraining.``, and run-in headings such as ``(8) Energy isolation. Lockout or tagout shall be
performed ...``. Without this pass such a document has no section path: chunks are cut by size
across its sections, citations name none, and the reader reads every line under the bare title.

Levels come from the numbering style, as in the CFR: ``(a)`` letters 1, ``(1)`` digits 2,
``(i)`` roman numerals 3, ``(A)`` capitals 4, then digits 5 and roman 6 again. An ambiguous
number takes the level where it continues the open sequence (``(i)`` right after ``(h)`` is a
letter), else the level where a new sequence starts one deeper than the deepest open one. A
numbered paragraph is a heading when it is only a short title (capital first, at most
``TITLE_WORDS`` words, ending in ``.`` or ``—``) and the next numbered paragraph is deeper; it
opens with a run-in heading when its first sentence is a short title followed by more text (the
paragraph stays whole as text under it). Numbering and length decide: no word lists.
Limitation: a heading-less procedure numbered the same way whose steps open with a short
sentence (``(1) Close V-1. Then open D-2 ...``) gets each step as a run-in heading; its text
stays whole, only its section paths change (``ChunkingSettings.outline_sections`` turns the
pass off).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from core.models import Block, BlockKind

TITLE_WORDS = 10
"""Longest heading paragraph, in words after its number."""
RUN_IN_WORDS = 8
"""Longest run-in heading (the first sentence of a paragraph), in words."""
MIN_HEADINGS = 3
"""Fewer outline headings than this: the document is left as it is."""

_NUMBER = re.compile(r"^\((?P<n>[a-z]{1,4}|[A-Z]|\d{1,2})\)\s+(?P<rest>\S.*)$", re.S)
_ROMAN = re.compile(r"^(?=[ivx])x{0,3}(?:ix|iv|v?i{0,3})$")
_RUN_IN = re.compile(r"^(?P<head>[A-Z][^.;:]*?)\.\s+(?=[A-Z(])")
_STYLE_LEVELS = {"letter": (1,), "digit": (2, 5), "roman": (3, 6), "capital": (4,)}


@dataclass(frozen=True)
class _Numbered:
    """A numbered paragraph: its index among the blocks, its level, its number and the text
    after the number."""

    index: int
    level: int
    number: str
    rest: str


def _roman_value(text: str) -> int:
    """The value of a lower-case roman numeral of i, v and x (``iv`` -> 4)."""
    values = {"i": 1, "v": 5, "x": 10}
    total = 0
    for a, b in zip(text, [*text[1:], ""], strict=True):
        total += -values[a] if b and values[b] > values[a] else values[a]
    return total


def _candidates(number: str) -> list[tuple[int, int]]:
    """(level, value) readings of an outline number, in order of preference."""
    if number.isdigit():
        return [(lvl, int(number)) for lvl in _STYLE_LEVELS["digit"]]
    if number.isupper():
        return [(lvl, ord(number) - ord("A") + 1) for lvl in _STYLE_LEVELS["capital"]]
    readings: list[tuple[int, int]] = []
    if len(number) == 1:
        readings += [(lvl, ord(number) - ord("a") + 1) for lvl in _STYLE_LEVELS["letter"]]
    if _ROMAN.match(number):
        readings += [(lvl, _roman_value(number)) for lvl in _STYLE_LEVELS["roman"]]
    return readings


def _levels(blocks: Sequence[Block]) -> list[_Numbered]:
    """Every numbered paragraph with the level its number continues or starts."""
    last: dict[int, int] = {}  # level -> value of the open sequence's last number
    found: list[_Numbered] = []
    for index, block in enumerate(blocks):
        match = _NUMBER.match(block.text.strip())
        readings = _candidates(match.group("n")) if match else []
        if not match or not readings:
            continue
        depth = max(last, default=0)
        chosen = next((r for r in readings if last.get(r[0]) == r[1] - 1), None)
        chosen = chosen or next((r for r in readings if r[1] == 1 and r[0] == depth + 1), None)
        level, value = chosen or readings[0]
        last = {lvl: v for lvl, v in last.items() if lvl < level} | {level: value}
        found.append(_Numbered(index, level, match.group("n"), match.group("rest").strip()))
    return found


def _title(rest: str) -> str:
    """A heading's text without its closing full stop or dash."""
    return rest.rstrip().rstrip("—-").rstrip().rstrip(".").rstrip()


def _heading(item: _Numbered, opens: bool) -> tuple[str, bool] | None:
    """The heading a numbered paragraph opens and whether the paragraph is only that heading,
    or None. ``opens``: what follows it belongs under it (see :func:`outline_sections`)."""
    rest, number = item.rest, item.number
    words = len(rest.split())
    whole = rest[:1].isupper() and words <= TITLE_WORDS and rest.rstrip().endswith((".", "—"))
    if whole and opens:
        return f"({number}) {_title(rest)}", True
    run_in = _RUN_IN.match(rest)
    if run_in and len(run_in.group("head").split()) <= RUN_IN_WORDS and words > TITLE_WORDS:
        return f"({number}) {run_in.group('head').strip()}", False
    return None


def outline_sections(blocks: list[Block]) -> list[Block]:
    """``blocks`` with section paths from their numbered outline; unchanged when the document
    has headings, pages or rows of its own, or fewer than ``MIN_HEADINGS`` outline headings."""
    if any(b.section_path or b.kind is BlockKind.TITLE or b.page or b.row for b in blocks):
        return blocks
    numbered = _levels(blocks)
    if len(numbered) < MIN_HEADINGS:
        return blocks
    headings: dict[int, tuple[str, bool]] = {}
    sibling_is_heading: dict[int, bool] = {}
    for item, following in zip(numbered, [*numbered[1:], None], strict=True):
        # What follows a title belongs under it when the next number is deeper, or when
        # unnumbered text follows and its previous sibling was a heading too (siblings are
        # alike: "(b) Definitions." between headings (a) and (c), not the last of a run of steps).
        deeper = following is not None and following.level > item.level
        text_follows = (following.index if following else len(blocks)) > item.index + 1
        opens = deeper or (text_follows and sibling_is_heading.get(item.level, False))
        heading = _heading(item, opens)
        sibling_is_heading = {k: v for k, v in sibling_is_heading.items() if k <= item.level}
        sibling_is_heading[item.level] = heading is not None
        if heading:
            headings[item.index] = heading
    if len(headings) < MIN_HEADINGS:
        return blocks
    return _with_paths(blocks, {n.index: n.level for n in numbered}, headings)


def _is_plain_title(block: Block) -> bool:
    """An unnumbered title line (``Appendix A ...``, ``Purpose``): a one-line text paragraph,
    short, capital first, no closing punctuation (never a list item or a table). It closes the
    outline and heads what follows at level 0."""
    text = block.text.strip()
    return (
        block.kind is BlockKind.TEXT
        and "\n" not in text
        and text[:1].isupper()
        and len(text.split()) <= TITLE_WORDS
        and not text.endswith((".", ":", ";", ",", "?", "!"))
    )


def _with_paths(
    blocks: Sequence[Block], levels: dict[int, int], headings: dict[int, tuple[str, bool]]
) -> list[Block]:
    """Blocks under the open outline headings; a heading paragraph becomes a TITLE block, a
    run-in heading a TITLE block followed by its whole paragraph, an unnumbered title line a
    TITLE block at level 0 that closes every open heading."""
    open_: dict[int, str] = {}
    out: list[Block] = []
    for index, block in enumerate(blocks):
        level = levels.get(index)
        if level is not None:
            open_ = {lvl: t for lvl, t in open_.items() if lvl < level}
        heading, whole = headings.get(index, (None, False))
        if level is None and _is_plain_title(block):
            level, heading, whole, open_ = 0, block.text.strip(), True, {}
        if heading and level is not None:
            open_[level] = heading
        path = tuple(open_[lvl] for lvl in sorted(open_))
        if heading:
            out.append(Block(kind=BlockKind.TITLE, text=heading, section_path=path))
        if not whole:
            out.append(block.model_copy(update={"section_path": path}))
    return out
