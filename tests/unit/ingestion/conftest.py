"""Fixtures for the ingestion tests: small generated documents.

The network guard lives in the top-level ``tests/conftest.py`` (autouse ``no_network``).
"""

from __future__ import annotations

import email.message
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from core.models import DocType, DocumentMeta, Role
from core.settings import apply_offline_env

# Before any test module imports unstructured: its import-time telemetry reads these.
apply_offline_env()

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "ingestion"


@pytest.fixture
def make_meta() -> Callable[..., DocumentMeta]:
    """Factory for DocumentMeta with sensible defaults; keyword overrides."""

    def factory(**overrides: Any) -> DocumentMeta:
        values: dict[str, Any] = {
            "doc_id": "SOP-FIL-002",
            "title": "Clearing a bottle jam on FILLER-2",
            "site": "plant-a",
            "doc_type": DocType.SOP,
            "revision": "3",
            "audience": frozenset({Role.OPERATOR, Role.TECHNICIAN}),
            "assets": ("FILLER-2",),
            "source_path": "sops/sop_filler2.md",
            "content_hash": "ab" * 32,
        }
        values.update(overrides)
        return DocumentMeta(**values)

    return factory


def build_three_page_pdf(path: Path) -> Path:
    """A 3-page manual: a heading per page, a spec table on page 2 (reportlab, invariant)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Table

    styles = getSampleStyleSheet()
    body = styles["BodyText"]
    story = [
        Paragraph("Extruder EXT-2 Manual", styles["Title"]),
        Paragraph("1 Safety", styles["Heading1"]),
        Paragraph("WARNING: Apply lockout/tagout before opening the barrel guard.", body),
        Paragraph("Hot surfaces inside the barrel guard stay above 200 C for an hour.", body),
        PageBreak(),
        Paragraph("2 Specifications", styles["Heading1"]),
        Paragraph("The extruder runs at the following settings in production.", body),
        Table([["Parameter", "Value"], ["Barrel zone 1", "180 C"], ["Screw speed", "60 rpm"]]),
        PageBreak(),
        Paragraph("3 Troubleshooting", styles["Heading1"]),
        Paragraph("If the melt pressure rises above the limit, stop the screw and check.", body),
    ]
    SimpleDocTemplate(str(path), pagesize=A4, invariant=1).build(story)
    return path


@pytest.fixture(scope="session")
def pdf_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The 3-page PDF, built once per session."""
    return build_three_page_pdf(tmp_path_factory.mktemp("pdf") / "ext2_manual.pdf")


@pytest.fixture(scope="session")
def docx_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A DOCX with a title, headings, a paragraph, a table and a numbered procedure."""
    import docx

    document = docx.Document()
    document.add_heading("Gearbox manual", 0)
    document.add_heading("Torque specs", 1)
    document.add_paragraph("Use a calibrated torque wrench for all fasteners on the coupling.")
    table = document.add_table(rows=2, cols=2)
    for (row, col), text in {(0, 0): "Part", (0, 1): "Torque", (1, 0): "Coupling"}.items():
        table.cell(row, col).text = text
    table.cell(1, 1).text = "45 Nm"
    document.add_heading("Procedure", 2)
    document.add_paragraph("Stop the conveyor.", style="List Number")
    document.add_paragraph("Isolate the drive.", style="List Number")
    path = tmp_path_factory.mktemp("docx") / "gearbox.docx"
    document.save(str(path))
    return path


@pytest.fixture
def eml_path(tmp_path: Path) -> Path:
    """An incident e-mail with a subject and a plain-text body."""
    message = email.message.EmailMessage()
    message["Subject"] = "Filler 2 jam report, night shift"
    message["From"] = "shift.lead@plant-a.example"
    message["To"] = "maintenance@plant-a.example"
    message.set_content(
        "Hello team,\n\nThe filler jammed twice on night shift. We cleared it following "
        "the SOP and replaced a worn starwheel pocket.\n\nRegards"
    )
    path = tmp_path / "jam_report.eml"
    path.write_bytes(bytes(message))
    return path


WORK_ORDER_ROWS = [
    ["wo_id", "asset", "date", "symptom", "action"],
    ["WO-1001", "FILLER-2", "2025-03-04", "bottles jam at infeed", "reset starwheel"],
    ["WO-1002", "CONV-3", "2025-03-05", "gearbox noise", "replaced coupling"],
    ["WO-1003", "EXT-2", "2025-03-06", "melt pressure high", "changed screen pack"],
]


@pytest.fixture
def xlsx_path(tmp_path: Path) -> Path:
    """A workbook with one sheet of three work orders (dates as real dates)."""
    from datetime import date

    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Work orders"
    sheet.append(WORK_ORDER_ROWS[0])
    for row in WORK_ORDER_ROWS[1:]:
        sheet.append([row[0], row[1], date.fromisoformat(row[2]), row[3], row[4]])
    path = tmp_path / "work_orders.xlsx"
    workbook.save(str(path))
    return path


@pytest.fixture
def csv_path(tmp_path: Path) -> Path:
    """A comma-separated export of the same three work orders."""
    path = tmp_path / "work_orders.csv"
    path.write_text("\n".join(",".join(row) for row in WORK_ORDER_ROWS) + "\n", "utf-8")
    return path
