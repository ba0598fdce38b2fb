"""Conventions of chunk text shared by ingestion (which writes it) and answering (which reads it).

Every parsed table is written as ``cell | cell`` lines (Markdown tables keep their own ``| a |``
rows and ``|---|`` rules); readers recognise a table line by these patterns.
"""

from __future__ import annotations

import re

TABLE_LINE = re.compile(r"^\s*\||^[^|\n]*\S\s+\|\s+\S")
"""A table row: a Markdown row (``| a | b |``) or an ingested ``a | b`` row. Use ``match``."""

TABLE_RULE = re.compile(r"^[\s|:\-+]+$")
"""A Markdown table's separator line (``|---|:--:|``)."""


def reader_passage(title: str, section: str, text: str) -> str:
    """What a reader model (cross-encoder) reads for a passage: where it sits, then its text.

    Training (``scripts/reader``) and every use at query time build passages with this one
    function, so the model always sees the layout it was trained on.
    """
    where = (
        f"{title} > {section}" if section and not section.startswith(title) else section or title
    )
    return f"{where}\n{text}"
