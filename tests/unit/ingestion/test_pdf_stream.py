"""PDFs read page by page: exact pages and sections on a 150-page manual, furniture found by the
first pass over page edges, no spaCy or unstructured partitioner loaded."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from core.models import BlockKind
from ingestion.parsing import parse_file
from ingestion.pdf import iter_pdf_pages
from tests.unit.ingestion.long_manual import build_long_manual, section_headings

pytestmark = pytest.mark.unit

PAGES = 150
REPO = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def long_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The 150-page manual: section ``n`` (heading ``n ...``) fills page ``n``."""
    return build_long_manual(tmp_path_factory.mktemp("long") / "long-manual.pdf", PAGES)


@pytest.mark.slow
def test_a_150_page_manual_streams_with_exact_pages_and_sections(long_pdf: Path) -> None:
    pages = iter_pdf_pages(long_pdf)
    first = next(pages)  # a generator: the first page comes before the rest is read
    assert {el.metadata.page_number for el in first} == {1}
    numbers = [1] + [{el.metadata.page_number for el in page}.pop() for page in pages]
    assert numbers == list(range(1, PAGES + 1))

    headings = section_headings(PAGES)
    blocks = parse_file(long_pdf, 10**9).blocks
    titles = [(b.page, b.text) for b in blocks if b.kind is BlockKind.TITLE]
    assert titles == list(enumerate(headings, start=1))
    for block in blocks[2:]:  # after the subtitle of page 1, everything is in its page's section
        assert block.section_path == (headings[(block.page or 0) - 1],)
    texts = [b.text for b in blocks]
    assert not any("Combined Equipment Manual" in t for t in texts)  # running header
    assert not any("revision 1 - page" in t for t in texts)  # footer
    tables = [b for b in blocks if b.kind is BlockKind.TABLE]
    assert len({b.page for b in tables}) >= PAGES * 0.9  # nearly every section has a spec table
    assert tables[0].text.splitlines()[0] == "Item | Value"


def _pdf_with_band_header(path: Path, pages: int, continued: bool = False) -> Path:
    """Pages with a repeated line 10% below the top (inside the page, not in the 7% header
    position unstructured drops), and a heading and body per page. With ``continued``, page 2
    has no heading: its text continues section 1."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    pdf = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    height = A4[1]
    for n in range(1, pages + 1):
        pdf.setFont("Helvetica", 9)
        pdf.drawString(60, height * 0.90, "ACME Works - controlled copy")
        y = height * 0.80
        if not (continued and n == 2):
            pdf.setFont("Helvetica-Bold", 14)
            pdf.drawString(60, y, f"{n} Section number {n}")
        pdf.setFont("Helvetica", 10)
        pdf.drawString(60, y - 40, f"Body text of page {n} describes the checks to make.")
        pdf.showPage()
    pdf.save()
    return path


def test_a_running_header_inside_the_page_is_dropped_on_most_pages(tmp_path: Path) -> None:
    blocks = parse_file(_pdf_with_band_header(tmp_path / "a.pdf", 4), 10**9).blocks
    assert not any("ACME Works" in b.text for b in blocks)
    assert [b.text for b in blocks if b.kind is BlockKind.TITLE] == [
        f"{n} Section number {n}" for n in range(1, 5)
    ]


def test_a_two_page_document_keeps_its_repeated_line(tmp_path: Path) -> None:
    blocks = parse_file(_pdf_with_band_header(tmp_path / "b.pdf", 2), 10**9).blocks
    assert sum("ACME Works" in b.text for b in blocks) == 2


def test_a_page_without_a_heading_continues_the_section_above(tmp_path: Path) -> None:
    blocks = parse_file(_pdf_with_band_header(tmp_path / "c.pdf", 3, continued=True), 10**9).blocks
    page_two = [b for b in blocks if b.page == 2]
    assert [b.text for b in page_two] == ["Body text of page 2 describes the checks to make."]
    assert page_two[0].section_path == ("1 Section number 1",)


def test_large_type_is_a_heading_but_a_large_signal_word_is_not(tmp_path: Path) -> None:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    path = tmp_path / "e.pdf"
    pdf = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    height = A4[1]
    for y, size, text in [
        (0.80, 16, "Hydraulic accumulator"),
        (0.75, 10, "The accumulator holds oil at 180 bar when the pump is off."),
        (0.70, 16, "WARNING"),
        (0.66, 10, "Dump the accumulator before opening any hydraulic line."),
    ]:
        pdf.setFont("Helvetica-Bold" if size > 10 else "Helvetica", size)
        pdf.drawString(60, height * y, text)
    pdf.save()
    blocks = parse_file(path, 10**9).blocks
    assert [b.text for b in blocks if b.kind is BlockKind.TITLE] == ["Hydraulic accumulator"]
    assert all(b.section_path == ("Hydraulic accumulator",) for b in blocks)


def test_reading_a_pdf_loads_neither_spacy_nor_the_partitioners(tmp_path: Path) -> None:
    path = _pdf_with_band_header(tmp_path / "d.pdf", 3)
    code = (
        "import sys; from pathlib import Path; from ingestion.parsing import parse_file; "
        f"blocks = parse_file(Path({str(path)!r}), 10**9).blocks; assert blocks; "
        "loaded = [m for m in ('spacy', 'unstructured_inference', 'unstructured.partition.pdf', "
        "'unstructured.nlp.tokenize') if m in sys.modules]; print(loaded)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "[]"
