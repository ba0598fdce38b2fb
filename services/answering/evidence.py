"""What a retrieved chunk offers as evidence: its quotable body, its terms, its units.

Shared by the support score, the extractive answerer and the LLM post-check, so that all three
read a chunk the same way (context header dropped, injected instructions redacted, table rows
with their header).
"""

from __future__ import annotations

from functools import lru_cache

from core.models import Chunk, DocType
from services.answering.injection import PLACEHOLDER, redact
from services.answering.text import CAUSE_TERM, heading_terms, is_identifier, term_set
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


def context_terms(chunk: Chunk) -> set[str]:
    """The terms of :func:`chunk_context`; an incident or deviation report is a causal
    analysis as a whole, so all its chunks offer :data:`CAUSE_TERM` (a "why" question about an
    event is answered by its report, even from the summary chunk)."""
    found = set(text_terms(chunk_context(chunk)))
    if chunk.doc_type is DocType.INCIDENT:
        found.add(CAUSE_TERM)
    return found


def own_heading_terms(chunk: Chunk) -> set[str]:
    """The terms of the chunk's own section heading (the last of its section path; the path
    starts with the document title), with :data:`CAUSE_TERM` for a cause section."""
    return heading_terms(chunk.section_path[-1] if chunk.section_path else "")


@lru_cache(maxsize=16384)
def text_terms(text: str) -> frozenset[str]:
    """``term_set`` of a chunk's or a unit's text, cached: every question reads the same hits
    several times (profile, support under each candidate profile, sentence scoring)."""
    return frozenset(term_set(text))


def quotable_units(chunk: Chunk) -> list[Unit]:
    """The chunk's units that may be quoted: no headings, nothing redacted, not a lone word."""
    return [
        u
        for u in split_units(chunk_body(chunk))
        if u.kind is not UnitKind.HEADING and PLACEHOLDER not in u.text and len(u.text) > 3
    ]


def unit_evidence(unit: Unit, subject: frozenset[str] = frozenset()) -> set[str]:
    """Terms a unit offers; a table row is read together with its header row, and a row of a
    key | value table (one record about one thing) with the ``subject`` of its chunk (see
    :func:`table_subject`); rows of wider tables are entities of their own (alarm codes)."""
    terms = set(text_terms(f"{unit.header}\n{unit.text}" if unit.header else unit.text))
    key_value = unit.kind is UnitKind.TABLE_ROW and unit.text.count(" | ") == 1
    return terms | subject if key_value else terms


def table_subject(chunk: Chunk) -> frozenset[str]:
    """The asset tags and ids of a chunk (``B25-0412``, ``P-301``): in a record table every
    row is about them, so "what viscosity did batch B25-0412 reach" is answered by the
    viscosity row even though only the batch row names the batch."""
    return _identifiers(chunk_body(chunk))


@lru_cache(maxsize=4096)
def _identifiers(text: str) -> frozenset[str]:
    return frozenset(t for t in text_terms(text) if is_identifier(t))
