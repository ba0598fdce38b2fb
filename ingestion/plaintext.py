"""Structure for plain-text reports and e-mails: headings, list items and paragraphs.

unstructured's ``partition_text`` (also used by ``partition_email`` for a text/plain body)
groups lines between blank lines into one element, so a typed incident report or a shift
handover comes out as a few long paragraphs: "ROOT CAUSE - Output shaft seal ... - Conveyor
gearboxes had no oil level check ..." with the heading glued to its items and every item of a
handover (one per machine) in one block. Citations then have no section, and the embedding of
such a block mixes five machines. Plant reports written in a text editor follow a few plain
conventions, which this module reads instead:

* a **heading** is a short line of capitals on its own ("ROOT CAUSE", "4. AREA REQUIREMENTS",
  "LINE 2 (Lemon Sparkle 500 mL)"): it opens a section;
* a **list item** starts with ``-``, ``*``, ``•`` or ``1.`` / ``1)``; indented lines continue it;
* a ``Key : value`` line is a field of its own;
* other lines continue the paragraph above them until a blank line.

Deterministic and standard library only.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from core.models import Block, BlockKind

_BULLET = re.compile(r"^(?:[-*•]|\d{1,2}[.)])\s+\S")
_NUMBER_PREFIX = re.compile(r"^\d{1,2}(?:\.\d{1,2})*[.)]?\s+")
_FIELD = re.compile(r"^[A-Za-z][\w/ ().-]{0,40}?\s:\s+\S")
MAX_HEADING = 60
"""Longest heading, brackets aside; longer capitals are a shouted sentence."""


def is_heading(line: str) -> bool:
    """A short line whose words are mostly capitals and that does not end a sentence.

    The part in brackets is ignored ("LINE 2 (Lemon Sparkle 500 mL)"), and so is a section
    number ("4. AREA REQUIREMENTS").
    """
    text = line.strip()
    if not text or text.endswith((".", ",", ";")):
        return False
    core = _NUMBER_PREFIX.sub("", re.sub(r"\([^)]*\)", "", text)).strip()
    if len(core) > MAX_HEADING:
        return False
    letters = [c for c in core if c.isalpha()]
    if len(letters) < 3 or ":" in core.rstrip(":"):
        return False
    return sum(c.isupper() for c in letters) / len(letters) >= 0.8


def _kind(line: str) -> BlockKind:
    """A list item or a paragraph line (headings are recognised first)."""
    return BlockKind.LIST_ITEM if _BULLET.match(line.strip()) else BlockKind.TEXT


def _paragraphs(text: str) -> Iterator[tuple[BlockKind, str]]:
    """(kind, text) of each heading, list item, field line and paragraph, in order."""
    kind: BlockKind | None = None
    parts: list[str] = []
    for raw in text.splitlines():
        line = raw.rstrip()
        stripped = line.strip()
        starts_new = (
            not stripped
            or is_heading(stripped)
            or _BULLET.match(stripped) is not None
            or _FIELD.match(stripped) is not None
            or kind is BlockKind.TITLE
            or (kind is BlockKind.LIST_ITEM and not raw[:1].isspace())
        )
        if starts_new and parts and kind is not None:
            yield kind, " ".join(parts)
            kind, parts = None, []
        if not stripped:
            continue
        if kind is None:
            kind = BlockKind.TITLE if is_heading(stripped) else _kind(stripped)
        parts.append(stripped)
    if parts and kind is not None:
        yield kind, " ".join(parts)


def plain_text_blocks(text: str) -> list[Block]:
    """Blocks of a plain-text document; a heading opens a section (one level: typed reports
    rarely nest, and a numbered "4.1" line is kept as a sub-heading of nothing deeper)."""
    blocks: list[Block] = []
    section: tuple[str, ...] = ()
    for kind, body in _paragraphs(text):
        if kind is BlockKind.TITLE:
            section = (body,)
        blocks.append(Block(kind=kind, text=body, section_path=section))
    return blocks
