"""The .docx SOP of the sample corpus (Calder IMM-4 mould change), built with python-docx.

The SOP's text, tables and steps live in ``data/docx_sop.yaml``; this module lays them out as a Word
document (title, headings, numbered steps, grid tables), sets fixed core properties and rewrites the
zip container with fixed timestamps so that a rebuild is byte-identical. It gives the corpus one
Office-format SOP to exercise the .docx ingestion path.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import docx
from docx.shared import Pt

from .common import AUTHOR, FIXED_DATETIME, GENERATOR, SD, load_data, normalize_zip, write_meta


def load_sop() -> dict:
    """The SOP of ``data/docx_sop.yaml``; sections become ``(heading, paragraphs or None)``."""
    spec = load_data("docx_sop.yaml")
    spec["sections"] = [(s["heading"], s["paragraphs"]) for s in spec["sections"]]
    return spec


def _table(d: Any, rows: list[list[str]]) -> None:
    t = d.add_table(rows=len(rows), cols=len(rows[0]))
    t.style = "Table Grid"
    for r, row in enumerate(rows):
        for c, val in enumerate(row):
            t.cell(r, c).text = val
            if r == 0:
                for run in t.cell(r, c).paragraphs[0].runs:
                    run.bold = True
    d.add_paragraph("")


def _section(d: Any, spec: dict, heading: str, paras: list[str] | None) -> None:
    d.add_heading(heading, level=1)
    if heading == "Mould data and torque values":
        _table(d, spec["mould_table"])
        _table(d, spec["torque_table"])
    elif heading == "Procedure":
        for step in spec["steps"]:
            d.add_paragraph(step, style="List Number")
    elif heading == "After the change":
        for line in spec["after"]:
            d.add_paragraph(line)
    else:
        for p in paras or []:
            if heading == "References":
                d.add_paragraph(p, style="List Bullet")
            else:
                d.add_paragraph(p)


def _core_properties(d: Any, meta: dict) -> None:
    cp = d.core_properties
    cp.title = meta["title"]
    cp.author = AUTHOR
    cp.last_modified_by = GENERATOR
    cp.identifier = meta["doc_id"]
    cp.revision = int(meta["revision"])
    cp.created = FIXED_DATETIME
    cp.modified = FIXED_DATETIME
    cp.last_printed = FIXED_DATETIME


def build_docx(path: Path, spec: dict) -> None:
    """Write the SOP ``spec`` to ``path`` as a deterministic .docx."""
    d = docx.Document()
    d.styles["Normal"].font.name = "Calibri"
    d.styles["Normal"].font.size = Pt(10.5)
    meta = spec["meta"]
    d.add_heading(f"{meta['doc_id']} {meta['title']}", level=0)
    d.add_paragraph(spec["intro"])
    for heading, paras in spec["sections"]:
        _section(d, spec, heading, paras)
    _core_properties(d, meta)
    d.save(str(path))
    normalize_zip(path)


def build_sop() -> None:
    """Build the SOP of ``data/docx_sop.yaml`` and its sidecar under ``sample_docs/``."""
    spec = load_sop()
    path = SD / spec["path"]
    build_docx(path, spec)
    write_meta(path, spec["meta"])
