"""Equipment manuals of the sample corpus, rendered as multi-page PDFs with reportlab platypus.

The manuals' text and tables live in ``data/manuals.yaml``; this module turns each one into a PDF
with one section per page (so a page number is a meaningful citation for the retrieval evaluation)
and writes its ``.meta.yaml`` sidecar. Output is deterministic: reportlab runs with ``invariant=1``.
A section that does not fit on one page is an error rather than a silent extra page.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import (
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from .common import AUTHOR, GENERATOR, SD, load_data, write_meta


def load_manuals() -> list[dict]:
    """The manuals of ``data/manuals.yaml``; a ``{kind: items}`` block becomes ``(kind, items)``."""
    manuals = load_data("manuals.yaml")
    for manual in manuals:
        for sec in manual["sections"]:
            sec["blocks"] = [
                b if isinstance(b, str) else next(iter(b.items())) for b in sec["blocks"]
            ]
    return manuals


def _styles() -> dict[str, ParagraphStyle]:
    styles = getSampleStyleSheet()
    body = ParagraphStyle(
        "body", parent=styles["BodyText"], fontSize=9.5, leading=12.5, spaceAfter=5
    )
    cell = ParagraphStyle("cell", parent=body, fontSize=8.5, leading=10.5, spaceAfter=0)
    return {
        "body": body,
        "cell": cell,
        "cell_head": ParagraphStyle("cellh", parent=cell, fontName="Helvetica-Bold"),
        "h1": ParagraphStyle("h1", parent=styles["Heading1"], fontSize=15, spaceAfter=8),
        "title": ParagraphStyle("title", parent=styles["Title"], fontSize=17, leading=21),
        "warn": ParagraphStyle("warn", parent=body, fontName="Helvetica-Bold"),
    }


def _table(rows: list[list[str]], st: dict[str, ParagraphStyle]) -> list[Any]:
    data = [[Paragraph(escape(c), st["cell_head"]) for c in rows[0]]]
    data += [[Paragraph(escape(c), st["cell"]) for c in r] for r in rows[1:]]
    ncol = len(rows[0])
    width = A4[0] - 36 * mm
    col_w = [width / ncol] * ncol
    if ncol == 2:
        col_w = [width * 0.45, width * 0.55]
    elif ncol == 4 and rows[0][0] == "Code":
        col_w = [width * 0.1, width * 0.24, width * 0.33, width * 0.33]
    t = Table(data, colWidths=col_w, repeatRows=1)
    t.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#dde4ee")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return [t, Spacer(1, 4 * mm)]


def _block(block: Any, st: dict[str, ParagraphStyle]) -> list[Any]:
    """Flowables of one block: a paragraph (bold if a warning), a table, steps or bullets."""
    if isinstance(block, str):
        style = st["warn"] if re.match(r"^(WARNING|CAUTION|DANGER):", block) else st["body"]
        return [Paragraph(escape(block), style)]
    if block[0] == "table":
        return _table(block[1], st)
    if block[0] == "steps":
        return [Paragraph(f"{n}. {escape(step)}", st["body"]) for n, step in enumerate(block[1], 1)]
    if block[0] == "bullets":
        return [Paragraph(f"- {escape(item)}", st["body"]) for item in block[1]]
    return []


def _story(manual: dict, st: dict[str, ParagraphStyle]) -> list[Any]:
    story: list[Any] = []
    for i, sec in enumerate(manual["sections"]):
        if i:
            story.append(PageBreak())
        else:
            story.append(Paragraph(escape(manual["header"]), st["title"]))
            story.append(Paragraph(escape(manual["subtitle"]), st["body"]))
            story.append(Spacer(1, 4 * mm))
        story.append(Paragraph(escape(sec["heading"]), st["h1"]))
        for block in sec["blocks"]:
            story.extend(_block(block, st))
    return story


def _doc_template(path: Path, meta: dict) -> SimpleDocTemplate:
    return SimpleDocTemplate(
        str(path),
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
        title=meta["title"],
        author=AUTHOR,
        subject=meta["doc_id"],
        creator=GENERATOR,
        invariant=1,
    )


def build_pdf(path: Path, manual: dict) -> int:
    """Render one manual to ``path``; returns the page count (= number of sections)."""
    rl_config.invariant = 1
    st = _styles()
    meta = manual["meta"]

    def on_page(canvas, doc):
        canvas.saveState()
        canvas.setFont("Helvetica", 7.5)
        canvas.drawString(18 * mm, A4[1] - 11 * mm, manual["header"])
        canvas.drawRightString(
            A4[0] - 18 * mm,
            10 * mm,
            f"{meta['doc_id']}  revision {meta['revision']}  -  page {doc.page}",
        )
        canvas.restoreState()

    doc = _doc_template(path, meta)
    doc.build(_story(manual, st), onFirstPage=on_page, onLaterPages=on_page)
    if doc.page != len(manual["sections"]):
        raise ValueError(
            f"{path.name}: {doc.page} pages for {len(manual['sections'])} sections; "
            "each section must fit on one page"
        )
    return doc.page


def build_manuals() -> None:
    """Build every manual of ``data/manuals.yaml`` and its sidecar under ``sample_docs/``."""
    for manual in load_manuals():
        path = SD / manual["path"]
        path.parent.mkdir(parents=True, exist_ok=True)
        build_pdf(path, manual)
        write_meta(path, manual["meta"])
