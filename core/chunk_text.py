"""Conventions of chunk text shared by ingestion (which writes it) and answering (which reads it).

Every parsed table is written as ``cell | cell`` lines (Markdown tables keep their own ``| a |``
rows and ``|---|`` rules); readers recognise a table line by these patterns.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

TABLE_LINE = re.compile(r"^\s*\||^[^|\n]*\S\s+\|\s+\S")
"""A table row: a Markdown row (``| a | b |``) or an ingested ``a | b`` row. Use ``match``."""

TABLE_RULE = re.compile(r"^[\s|:\-+]+$")
"""A Markdown table's separator line (``|---|:--:|``)."""


HEADER_SEPARATOR = " — "
"""Between the document title and the section path in a chunk's header line."""


def _norm(text: str) -> str:
    """Case- and whitespace-insensitive form for comparisons."""
    return " ".join(text.split()).casefold()


def chunk_header(title: str, section_path: Sequence[str]) -> str:
    """``Title — Section > Subsection``, the first line of every chunk's text (ingestion writes
    it); the path's first element is dropped if it is the title."""
    path = list(section_path)
    if path and _norm(path[0]) == _norm(title):
        path = path[1:]
    parts = [title.strip()] if title.strip() else []
    if path:
        parts.append(" > ".join(path))
    return HEADER_SEPARATOR.join(parts)


def reader_passage(title: str, section_path: Sequence[str], text: str) -> str:
    """A piece of a chunk (a sentence, a step, a table row) as a reader model reads it: under
    the chunk's header line, the layout of every chunk text the reader was trained on."""
    return f"{chunk_header(title, section_path)}\n{text}"
