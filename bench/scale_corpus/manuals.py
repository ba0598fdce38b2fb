"""Long equipment manuals as real PDFs (reportlab platypus), one section per page.

Each manual covers one generated equipment model of a site (``BM-4400 stretch blow moulder``
for BLOW-1 to BLOW-4 ...), 150+ pages at scale 1, with a page header and a footer carrying the
doc id and page number, as the sample manuals do. reportlab runs with ``invariant=1`` so a
rebuild is byte-identical.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from bench.scale_corpus.common import PREFIX, Plan, folder, site_assets, write_sidecar
from bench.scale_corpus.manual_text import Section, manual_sections

# (site, model, equipment family the manual covers)
MODELS = [
    ("brookfield", "BM-4400", "BLOW"),
    ("calder", "TM-450", "IMM"),
    ("dunmore", "JR-8000", "R"),
    ("brookfield", "SC-36", "CAPPER"),
    ("calder", "SX-90", "EXT"),
    ("dunmore", "CP-65", "P"),
    ("brookfield", "RL-600", "LABELLER"),
    ("calder", "DD-300", "DRY"),
    ("dunmore", "SB-2000", "BLR"),
    ("brookfield", "CP-220", "CASEPK"),
    ("calder", "TR-12", "ROB"),
]


def _styles() -> dict[str, Any]:
    from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet

    base = getSampleStyleSheet()
    body = ParagraphStyle("b", parent=base["BodyText"], fontSize=9, leading=11.5, spaceAfter=4)
    cell = ParagraphStyle("c", parent=body, fontSize=8, leading=10, spaceAfter=0)
    return {
        "body": body,
        "cell": cell,
        "warn": ParagraphStyle("w", parent=body, fontName="Helvetica-Bold"),
        "h1": ParagraphStyle("h", parent=base["Heading1"], fontSize=13, spaceAfter=6),
        "title": ParagraphStyle("t", parent=base["Title"], fontSize=16),
    }


def _flowables(section: Section, st: dict[str, Any]) -> list[Any]:
    from reportlab.lib import colors
    from reportlab.platypus import Paragraph, Table, TableStyle

    out: list[Any] = [Paragraph(escape(section.heading), st["h1"])]
    out += [Paragraph(escape(p), st["body"]) for p in section.paragraphs]
    out += [Paragraph(f"{n}. {escape(s)}", st["body"]) for n, s in enumerate(section.steps, 1)]
    if section.warning:
        out.append(Paragraph(escape(section.warning), st["warn"]))
    if section.table:
        rows = [[Paragraph(escape(c), st["cell"]) for c in row] for row in section.table]
        table = Table(rows, repeatRows=1)
        table.setStyle(
            TableStyle(
                [
                    ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#dde4ee")),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ]
            )
        )
        out.append(table)
    return out


def build_pdf(path: Path, meta: dict[str, Any], header: str, sections: list[Section]) -> int:
    """Render the sections to ``path``; returns the page count."""
    from reportlab import rl_config
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.platypus import KeepInFrame, PageBreak, Paragraph, SimpleDocTemplate

    rl_config.invariant = 1
    st = _styles()
    frame_w, frame_h = A4[0] - 36 * mm, A4[1] - 40 * mm

    def on_page(canvas: Any, doc: Any) -> None:
        canvas.saveState()
        canvas.setFont("Helvetica", 7.5)
        canvas.drawString(18 * mm, A4[1] - 11 * mm, header)
        footer = f"{meta['doc_id']}  revision {meta['revision']}  -  page {doc.page}"
        canvas.drawRightString(A4[0] - 18 * mm, 10 * mm, footer)
        canvas.restoreState()

    story: list[Any] = [Paragraph(escape(header), st["title"])]
    for i, section in enumerate(sections):
        if i:
            story.append(PageBreak())
        story.append(KeepInFrame(frame_w, frame_h - 30, _flowables(section, st), mode="shrink"))
    doc = SimpleDocTemplate(
        str(path), pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm, topMargin=18 * mm,
        bottomMargin=18 * mm, title=meta["title"], subject=meta["doc_id"], invariant=1,
    )  # fmt: skip
    doc.build(story, onFirstPage=on_page, onLaterPages=on_page)
    return int(doc.page)


def build_manuals(root: Path, plan: Plan) -> tuple[int, int]:
    """``plan.manuals`` manuals with sidecars; returns (files, pages)."""
    pages_total = 0
    for i in range(plan.manuals):
        site, model, family = MODELS[i % len(MODELS)]
        suffix = "" if i < len(MODELS) else f"-{i // len(MODELS) + 1}"
        assets = [a for a in site_assets(site) if a.family == family]
        kind = assets[0].kind
        title = f"{model} {kind} operation and maintenance manual{suffix}"
        meta = {
            "doc_id": f"{PREFIX[site]}-MAN-{model}{suffix}",
            "title": title,
            "revision": "1",
            "effective_date": "2022-03-01",
            "assets": [a.tag for a in assets],
        }
        header = f"Halden Industries - {site.capitalize()} - {title}"
        sections = manual_sections(plan.rng("manual", i), model, kind, plan.manual_pages)
        path = folder(root, site, "manual") / f"{model.lower()}{suffix}-manual.pdf"
        pages_total += build_pdf(path, meta, header, sections)
        write_sidecar(path, meta)
    return plan.manuals, pages_total
