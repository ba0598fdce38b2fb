"""A long equipment manual PDF (150 pages by default) laid out like the sample manuals.

Used by the PDF streaming tests and by ``bench/parse_profile.py``. It reuses the sample corpus'
own renderer (``scripts/sample_corpus/manuals.build_pdf``: title page, running header, footer
``<doc id>  revision <n>  -  page <p>``, an ``N Heading`` per section, body text, bold
WARNING/CAUTION lines, spec tables with a grid, numbered steps and bullets) and cycles through the
20 sections of the four sample manuals, renumbered ``1`` to ``pages``. That renderer puts exactly
one section on each page and fails otherwise, so section ``n`` is on page ``n``: a test can check
page numbers exactly.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

_NUMBER = re.compile(r"^\d+\s+")


def long_manual(pages: int = 150) -> dict[str, Any]:
    """The manual as ``build_pdf`` expects it: meta, header, subtitle and ``pages`` sections."""
    from scripts.sample_corpus.manuals import load_manuals

    pool = [section for manual in load_manuals() for section in manual["sections"]]
    sections = [
        {
            "heading": f"{n} {_NUMBER.sub('', pool[(n - 1) % len(pool)]['heading'])}",
            "blocks": pool[(n - 1) % len(pool)]["blocks"],
        }
        for n in range(1, pages + 1)
    ]
    return {
        "path": "long-manual.pdf",
        "meta": {
            "doc_id": "LONG-MAN-150",
            "title": "Combined equipment manual (synthetic, long)",
            "revision": "1",
            "effective_date": "2025-01-01",
        },
        "header": "Halden Industries - Combined Equipment Manual (synthetic test document)",
        "subtitle": "All four sample manuals, repeated and renumbered to make a long manual.",
        "sections": sections,
    }


def build_long_manual(path: Path, pages: int = 150) -> Path:
    """Render the long manual to ``path`` (deterministic); return ``path``."""
    from scripts.sample_corpus.manuals import build_pdf

    build_pdf(path, long_manual(pages))
    return path


def section_headings(pages: int = 150) -> list[str]:
    """The heading printed on each page of the long manual, page 1 first."""
    return [str(section["heading"]) for section in long_manual(pages)["sections"]]
