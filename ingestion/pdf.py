"""PDF partitioning with unstructured's ``fast`` strategy, plus the checks it does not do.

Quirks of unstructured 0.27.32 handled here:

* ``partition_pdf`` swallows every text-extraction error (random bytes, a truncated file, a
  missing pikepdf) and returns an empty list. An empty result is therefore diagnosed with pypdf
  to give a precise reason: unreadable file, password-protected, or no text layer (scanned).
* The default pdfminer ``line_margin`` (0.5) merges a heading into the paragraph under it
  (``"1 Safety WARNING: ..."``), which hides section headings; 0.3 keeps them apart.
* The fast strategy does not detect tables: each cell comes out as its own element, often a
  ``Title``, which would corrupt the section path. Consecutive elements that sit side by side on
  the same line form rows; two or more such rows in a row become one ``Table`` element
  (``cell | cell`` lines), so a spec table stays whole and next to its heading.
* Running headers and footers (the same line on most pages, page numbers) are dropped; otherwise
  they would be taken for section titles on every page.
"""

from __future__ import annotations

import importlib.util
import logging
import re
from collections import defaultdict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from core.errors import ParseError
from ingestion.reasons import one_line
from ingestion.safety import detect_safety_notices

PDF_LINE_MARGIN = 0.3
"""pdfminer line margin: lines closer than this (in line heights) join one text box."""

MAX_CELL_CHARS = 200
"""Longer elements are paragraphs, never table cells."""


def partition_pdf_file(path: Path) -> list[Any]:
    """Partition ``path`` (strategy ``fast``) into cleaned unstructured elements.

    Raises :class:`ParseError` with a one-line reason when the file is not a readable PDF or has
    no text layer.
    """
    with path.open("rb") as handle:
        head = handle.read(1024)
    if b"%PDF-" not in head:
        raise ParseError("not a readable PDF: no %PDF- header (not a PDF file)")
    if importlib.util.find_spec("pikepdf") is None:
        raise ParseError("PDF support is incomplete: the pikepdf package is not installed")
    from unstructured.partition.pdf import partition_pdf

    with _quiet_pypdf():
        try:
            elements = partition_pdf(
                filename=str(path),
                strategy="fast",
                languages=["eng"],
                pdfminer_line_margin=PDF_LINE_MARGIN,
            )
        except Exception as exc:
            raise ParseError(f"not a readable PDF: {one_line(exc)}") from None
        if not any(str(el.text).strip() for el in elements):
            raise ParseError(diagnose_empty_pdf(path))
    return merge_table_rows(drop_page_furniture(elements))


@contextmanager
def _quiet_pypdf() -> Iterator[None]:
    """Silence pypdf's warnings ("EOF marker not found"...): failures are reported by us."""
    pypdf_logger = logging.getLogger("pypdf")
    level = pypdf_logger.level
    pypdf_logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        pypdf_logger.setLevel(level)


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


def _furniture_key(text: str) -> str:
    """Normalise a line for header/footer detection: digits become '#', spaces collapse."""
    return re.sub(r"\d+", "#", " ".join(text.split()).lower())


def _edge_elements(elements: Sequence[Any]) -> list[Any]:
    """The first two and last two elements of every page: where headers and footers sit."""
    by_page: dict[int, list[Any]] = defaultdict(list)
    for el in elements:
        by_page[el.metadata.page_number].append(el)
    return [el for page in by_page.values() for el in (page[:2] + page[-2:])]


def drop_page_furniture(elements: Sequence[Any]) -> list[Any]:
    """Drop short lines at page edges that repeat on most pages (running headers, page numbers).

    Only for documents of three pages or more; safety notices are never dropped.
    """
    all_pages = {el.metadata.page_number for el in elements}
    if len(all_pages) < 3:
        return list(elements)
    pages: dict[str, set[int]] = defaultdict(set)
    for el in _edge_elements(elements):
        if len(el.text) <= MAX_CELL_CHARS and not detect_safety_notices(el.text):
            pages[_furniture_key(el.text)].add(el.metadata.page_number)
    repeated = {key for key, seen in pages.items() if len(seen) * 2 > len(all_pages)}
    edges = {id(el) for el in _edge_elements(elements)}
    return [el for el in elements if id(el) not in edges or _furniture_key(el.text) not in repeated]


def _y_range(el: Any) -> tuple[float, float] | None:
    """Vertical extent of an element on its page, or None without coordinates."""
    coords = el.metadata.coordinates
    if coords is None or not coords.points:
        return None
    ys = [point[1] for point in coords.points]
    return min(ys), max(ys)


def _same_line(a: Any, b: Any) -> bool:
    """True when ``b`` sits beside ``a`` (same page, vertical overlap over half a height)."""
    ra, rb = _y_range(a), _y_range(b)
    if ra is None or rb is None or a.metadata.page_number != b.metadata.page_number:
        return False
    overlap = min(ra[1], rb[1]) - max(ra[0], rb[0])
    return overlap > 0.5 * min(ra[1] - ra[0], rb[1] - rb[0])


def _rows(elements: Sequence[Any]) -> list[list[Any]]:
    """Group consecutive elements into visual lines (short elements beside one another)."""
    rows: list[list[Any]] = []
    for el in elements:
        if rows and len(el.text) <= MAX_CELL_CHARS and _same_line(rows[-1][0], el):
            rows[-1].append(el)
        else:
            rows.append([el])
    return rows


def _x0(el: Any) -> float:
    """Left edge of an element (0 without coordinates)."""
    coords = el.metadata.coordinates
    return min(point[0] for point in coords.points) if coords and coords.points else 0.0


def _table_element(rows: list[list[Any]]) -> Any:
    """One unstructured ``Table`` element with ``cell | cell`` lines for these rows."""
    from unstructured.documents.elements import ElementMetadata, Table

    lines = [" | ".join(" ".join(c.text.split()) for c in sorted(r, key=_x0)) for r in rows]
    page = rows[0][0].metadata.page_number
    return Table(text="\n".join(lines), metadata=ElementMetadata(page_number=page))


def merge_table_rows(elements: Sequence[Any]) -> list[Any]:
    """Replace runs of two or more multi-cell lines by one Table element."""
    result: list[Any] = []
    run: list[list[Any]] = []
    for row in [*_rows(elements), []]:
        if len(row) >= 2 and (not run or _same_page(run[-1][0], row[0])):
            run.append(row)
            continue
        if len(run) >= 2:
            result.append(_table_element(run))
        else:
            result.extend(el for r in run for el in r)
        run = [row] if len(row) >= 2 else []
        if len(row) < 2:
            result.extend(row)
    return result


def _same_page(a: Any, b: Any) -> bool:
    """True when both elements are on the same page."""
    return bool(a.metadata.page_number == b.metadata.page_number)
