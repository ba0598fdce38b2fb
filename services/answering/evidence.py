"""What a retrieved chunk offers: its quotable body, its units, and the terms the LLM post-check
compares a reply with.

Every answerer reads a chunk the same way: the context header line dropped, instructions aimed
at an assistant redacted, table rows with their header row.
"""

from __future__ import annotations

from functools import lru_cache

from core.models import Chunk
from services.answering.injection import PLACEHOLDER, redact
from services.answering.text import term_set
from services.answering.units import Unit, UnitKind, split_units


def chunk_body(chunk: Chunk) -> str:
    """The chunk text without its context header line, with instructions aimed at an
    assistant redacted (see ``injection``).

    Ingestion starts every chunk with ``Title — Section`` so that the header is embedded with
    the text; it is metadata, not quotable content (citations show title and section).
    """
    first, newline, rest = chunk.text.partition("\n")
    text = (
        rest
        if newline and chunk.title and first.strip().startswith(chunk.title.strip())
        else chunk.text
    )
    return redact(text)


def chunk_context(chunk: Chunk) -> str:
    """Everything a chunk says about itself: title, section path, asset tags and body."""
    return "\n".join([chunk.title, chunk.section, " ".join(chunk.assets), chunk_body(chunk)])


@lru_cache(maxsize=16384)
def text_terms(text: str) -> frozenset[str]:
    """``term_set`` of a text, cached (the same sources are checked claim after claim)."""
    return frozenset(term_set(text))


def _bare(text: str) -> str:
    return " ".join(text.split()).rstrip(" .:—-").lower()


def quotable_units(chunk: Chunk) -> list[Unit]:
    """The chunk's units that may be quoted: no headings, nothing redacted, not a lone word.

    A heading is a Markdown heading line, or a line that repeats the chunk's own section
    heading (plain text and PDFs keep heading lines in the body: "(d) Application of
    control."); it names a topic and states no fact, and citations show it anyway.
    """
    own = _bare(chunk.section_path[-1]) if chunk.section_path else None
    return [
        u
        for u in split_units(chunk_body(chunk))
        if u.kind is not UnitKind.HEADING
        and PLACEHOLDER not in u.text
        and len(u.text) > 3
        and _bare(u.text) != own
    ]


# A reference list names other documents; an entry of it is never the answer itself, yet it
# shares every topic word with the question (the PPE question of issue #12 scored the line
# "BRK-SOP-002 PPE requirements" level with the PPE section's gloves;
# tests/integration/test_reader_answers.py). Headings only, never question words.
REFERENCE_HEADINGS = frozenset({"references", "related documents", "see also"})


def is_reference_list(chunk: Chunk) -> bool:
    """Whether the chunk is a References / See also section: named, never quoted."""
    return bool(chunk.section_path) and chunk.section_path[-1].strip().lower() in REFERENCE_HEADINGS


def unit_evidence(unit: Unit) -> set[str]:
    """Terms a unit offers; a table row is read together with its header row."""
    return set(text_terms(f"{unit.header}\n{unit.text}" if unit.header else unit.text))
