"""Read a PDF's text layer page by page with pdfminer, without unstructured's partitioner.

Why not ``unstructured.partition.pdf`` (``strategy="fast"``)? Profiled on a 150-page manual,
half its time went to spaCy deciding Title vs NarrativeText for every text box, a decision
:func:`ingestion.pdf.fix_headings` then re-takes by form anyway; importing it also pulls spaCy,
``unstructured_inference`` and the whole partition package (about 5 s per worker start). And it
returns one list of every element of the document. This module does the same extraction the fast
strategy does and nothing more, one page at a time:

* pdfminer layout with the same parameters (``line_margin`` 0.3 from :mod:`ingestion.pdf`,
  ``word_margin`` 0.185), unstructured's resource manager (embedded CID CMaps) and interpreter,
  ColorSpace resources dropped as unstructured does (some ICC colour spaces make pdfminer raise),
  a page that fails with a syntax error re-read after a pikepdf repair;
* one element per text box (fake-bold doubled characters removed, whitespace collapsed); text in
  figures split at blank lines;
* kinds decided by form, the cheap rules of unstructured's ``element_from_text``: a box in the top
  or bottom 7% of the page is a Header/Footer (dropped later), a bulleted box is a ListItem
  (bullet removed), ``1. ...`` is a ListItem, a short box set clearly larger than the page's
  body text is a Title, anything else NarrativeText; :func:`ingestion.pdf.fix_headings` then
  re-decides titles by form (numbered headings, wrapped lines) as it did after unstructured;
* page elements sorted like unstructured does (basic, then XY-cut).

Only unstructured's light modules are imported (element classes, bullet patterns, the XY-cut
sort, pdfminer helpers): no spaCy, no ``unstructured_inference``.

:func:`edge_lines` is the cheap first pass of furniture detection: the text lines in the top and
bottom bands of every page, read with pdfium (about 1 ms a page), so running headers and footers
can be recognised before the pages are streamed.
"""

from __future__ import annotations

import io
import re
import tempfile
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ingestion.reasons import one_line

EDGE_BAND = 0.15
"""Share of the page height, at the top and at the bottom, read by :func:`edge_lines`."""

HEADER_BAND = 0.07
"""unstructured's header/footer position: average y within 7% of the top or bottom edge."""

WORD_MARGIN = 0.185
"""pdfminer word margin used by unstructured's fast strategy."""

_NUMBERED_ITEM = re.compile(r"^\d+(\.|\))\s(.+)")
_SIGNAL_WORD = re.compile(r"^(?:DANGER|WARNING|CAUTION|NOTICE|NOTE)\b", re.IGNORECASE)


def edge_lines(path: Path) -> tuple[int, list[list[str]]]:
    """``(page count, lines per page)`` of the top and bottom :data:`EDGE_BAND` of each page.

    A file pdfium cannot read gives ``(0, [])``: the streaming pass reports why.
    """
    import pypdfium2

    try:
        document = pypdfium2.PdfDocument(str(path))
    except Exception:
        return 0, []
    pages: list[list[str]] = []
    try:
        for index in range(len(document)):
            page = document[index]
            text = page.get_textpage()
            width, height = page.get_size()
            top = text.get_text_bounded(0, height * (1 - EDGE_BAND), width, height)
            bottom = text.get_text_bounded(0, 0, width, height * EDGE_BAND)
            pages.append([line for line in (*top.splitlines(), *bottom.splitlines())])
            text.close()
            page.close()
    except Exception:
        return 0, []
    finally:
        document.close()
    return len(pages), pages


def _interpreter(line_margin: float) -> tuple[Any, Any]:
    """(device, interpreter) configured like unstructured's fast strategy."""
    from pdfminer.converter import PDFPageAggregator
    from pdfminer.layout import LAParams
    from unstructured.partition.pdf_image.pdfminer_utils import (
        CustomPDFPageInterpreter,
        CustomPDFResourceManager,
    )

    class _Interpreter(CustomPDFPageInterpreter):
        def init_resources(self, resources: Any) -> None:
            if "ColorSpace" in resources:
                resources = {k: v for k, v in resources.items() if k != "ColorSpace"}
            super().init_resources(resources)

    laparams = LAParams(line_margin=line_margin, word_margin=WORD_MARGIN)
    device = PDFPageAggregator(CustomPDFResourceManager(), laparams=laparams)
    return device, _Interpreter(device.rsrcmgr, device)


def _layouts(handle: io.BufferedReader, line_margin: float) -> Iterator[Any]:
    """pdfminer page layouts one by one; a page with a syntax error is repaired with pikepdf."""
    from pdfminer.pdfpage import PDFPage
    from pdfminer.psexceptions import PSSyntaxError

    device, interpreter = _interpreter(line_margin)
    for index, page in enumerate(PDFPage.get_pages(handle)):
        try:
            interpreter.process_page(page)
        except PSSyntaxError:
            interpreter.process_page(_repaired_page(handle, index))
        yield device.get_result()


def _repaired_page(handle: io.BufferedReader, index: int) -> Any:
    """Page ``index`` re-written by pikepdf (repairs invalid dictionary constructs)."""
    import pikepdf
    from pdfminer.pdfpage import PDFPage
    from unstructured.partition.pdf_image.pypdf_utils import get_page_data

    with tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp) / "page.pdf"
        with pikepdf.Pdf.open(get_page_data(handle, page_number=index)) as pdf:
            pdf.save(target)
        data = io.BytesIO(target.read_bytes())
    return next(PDFPage.get_pages(data))


def _box_texts(obj: Any) -> list[str]:
    """Text snippets of one layout object: a text box is one, a figure splits at blank lines."""
    from unstructured.partition.pdf_image.pdfminer_utils import get_text_with_deduplication

    if hasattr(obj, "get_text"):
        snippets = [get_text_with_deduplication(obj, 2.0)]
    else:
        snippets = re.split(r"\s*\n\s*", _figure_text(obj))
    return [text for text in (" ".join(s.split()) for s in snippets) if text]


def _figure_text(item: Any) -> str:
    """Text inside a container (figure), depth first; non-text items end a paragraph."""
    from pdfminer.layout import LTContainer

    if hasattr(item, "get_text"):
        return str(item.get_text())
    if isinstance(item, LTContainer):
        return "".join(_figure_text(child) for child in item)
    return "\n"


def _font_sizes(obj: Any) -> Counter[float]:
    """Character count per font size (rounded to 0.5 pt) inside one layout object."""
    from pdfminer.layout import LTChar, LTContainer

    sizes: Counter[float] = Counter()
    if isinstance(obj, LTContainer):
        for line in obj:
            if isinstance(line, LTContainer):
                sizes.update(round(c.size * 2) / 2 for c in line if isinstance(c, LTChar))
    return sizes


def _is_display_line(text: str, size: float, body_size: float, lines: int) -> bool:
    """A short box (one or two lines) set clearly larger than the page's body text: a heading,
    whatever its wording (``100 Maintenance``, ``Safety``). A large safety signal word
    (``DANGER``, ``WARNING: ...``) is a label, not a section."""
    if _SIGNAL_WORD.match(text):
        return False
    return body_size > 0 and size >= 1.2 * body_size and lines <= 2 and len(text) <= 120


def _element(text: str, points: tuple[tuple[float, float], ...], height: float, title: bool) -> Any:
    """An unstructured element whose kind is decided by position and form (no NLP)."""
    from unstructured.documents.elements import Footer, Header, ListItem, NarrativeText, Title
    from unstructured.nlp.patterns import UNICODE_BULLETS_RE

    share = sum(y for _, y in points) / len(points) / height
    if share < HEADER_BAND:
        return Header(text=text)
    if share > 1 - HEADER_BAND:
        return Footer(text=text)
    if UNICODE_BULLETS_RE.match(text):
        return ListItem(text=UNICODE_BULLETS_RE.sub("", text, count=1).strip())
    if _NUMBERED_ITEM.match(text):
        return ListItem(text=text)
    return Title(text=text) if title else NarrativeText(text=text)


def _page_elements(layout: Any, page_number: int) -> list[Any]:
    """The elements of one page layout, sorted like unstructured's fast strategy."""
    from unstructured.documents.coordinates import PixelSpace
    from unstructured.documents.elements import CoordinatesMetadata, ElementMetadata
    from unstructured.partition.utils.constants import SORT_MODE_BASIC
    from unstructured.partition.utils.sorting import sort_page_elements

    height = layout.height
    system = PixelSpace(width=layout.width, height=height)
    objects = [(obj, _font_sizes(obj)) for obj in layout]
    body = sum((sizes for _, sizes in objects), Counter()).most_common(1)
    body_size = body[0][0] if body else 0.0
    elements = []
    for obj, sizes in objects:
        x1, y2, x2, y1 = obj.bbox  # pdfminer: origin bottom left
        y1, y2 = height - y1, height - y2
        points = ((x1, y1), (x1, y2), (x2, y2), (x2, y1))
        size = max(sizes) if sizes else 0.0
        lines = len(obj) if hasattr(obj, "get_text") and hasattr(obj, "__len__") else 99
        for text in _box_texts(obj):
            title = _is_display_line(text, size, body_size, lines)
            element = _element(text, points, height, title)
            coordinates = CoordinatesMetadata(points=points, system=system)
            element.metadata = ElementMetadata(page_number=page_number, coordinates=coordinates)
            elements.append(element)
    return sort_page_elements(sort_page_elements(elements, SORT_MODE_BASIC))


def iter_page_elements(path: Path, line_margin: float) -> Iterator[list[Any]]:
    """Elements of each page in turn (1-based ``page_number``); pdfminer errors propagate."""
    with path.open("rb") as handle:
        for page_number, layout in enumerate(_layouts(handle, line_margin), start=1):
            yield _page_elements(layout, page_number)


def diagnose_unreadable_pdf(path: Path, exc: Exception) -> str:
    """Reason for a PDF pdfminer failed on: pypdf's diagnosis, or pdfminer's own error."""
    reason = diagnose_empty_pdf(path)
    if reason.startswith("no extractable text") or "extraction failed" in reason:
        return f"not a readable PDF: {one_line(exc)}"
    return reason


def diagnose_empty_pdf(path: Path) -> str:
    """Explain why a PDF gave no text: unreadable, encrypted, extraction failure, or scanned."""
    import pypdf

    try:
        reader = pypdf.PdfReader(str(path))
        if reader.is_encrypted and not reader.decrypt(""):
            return "not a readable PDF: it is password-protected"
        if len(reader.pages) == 0:
            return "not a readable PDF: it has no pages"
        has_text = any(page.extract_text().strip() for page in reader.pages)
    except Exception as exc:
        return f"not a readable PDF: damaged or truncated file ({one_line(exc)})"
    if has_text:
        return "not a readable PDF: text extraction failed (damaged or unusual file)"
    return "no extractable text (scanned or image-only PDF; OCR is not supported)"
