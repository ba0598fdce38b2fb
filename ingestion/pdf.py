"""PDF text, page by page, with the checks and fixes a plain text-layer extraction lacks.

Pages are read by :mod:`ingestion.pdf_reader` (pdfminer, the extraction of unstructured's
``fast`` strategy without its spaCy classification) and cleaned one page at a time, so a
400-page manual never becomes one element list. What is handled here:

* A file that yields no text is diagnosed with pypdf to give a precise reason: unreadable file,
  password-protected, or no text layer (scanned); a pdfminer failure gives one line too.
* The default pdfminer ``line_margin`` (0.5) merges a heading into the paragraph under it
  (``"1 Safety WARNING: ..."``), which hides section headings; 0.3 keeps them apart.
* Text-layer extraction does not detect tables: each cell comes out as its own element, often a
  ``Title``, which would corrupt the section path, and pdfminer may list the cells column by
  column. Lines are rebuilt from coordinates: two or more consecutive lines of two or more short
  elements become one ``Table`` element (``cell | cell`` lines), so a spec table stays whole and
  next to its heading.
* A Title/NarrativeText guess misfires both ways on manuals (unstructured's spaCy guess did: the
  wrapped last line of a paragraph, ``"rupture disc."``, became a Title and a numbered heading,
  ``"2 Safety and start-up"``, narrative text). Both corrupt section paths, which citations show,
  so titles are decided by form (:func:`fix_headings`); PDF parent links are dropped with them
  (the section is the last heading above, as on paper, across page breaks too).
* Page furniture at page edges is dropped (page numbers; lines repeated verbatim on most pages
  of a 3+ page document, i.e. running headers and footers); otherwise it would be taken for a
  section title on every page. This runs after table recovery, so numeric cells are safe.
  "Most pages" needs the whole document: a first pass reads only the page edges (pdfium, about
  1 ms a page) before the pages are streamed.
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
from core.models import Block, BlockKind
from ingestion.elements import elements_to_blocks
from ingestion.safety import detect_safety_notices

PDF_LINE_MARGIN = 0.3
"""pdfminer line margin: lines closer than this (in line heights) join one text box."""

MAX_CELL_CHARS = 200
"""Longer elements are paragraphs, never table cells."""


def pdf_blocks(path: Path) -> Iterator[Block]:
    """Blocks of ``path`` page by page; a page that starts without a heading continues the
    section of the last heading above (as on paper)."""
    current: tuple[str, ...] = ()
    for page in iter_pdf_pages(path):
        for block in elements_to_blocks(page, with_pages=True):
            if block.kind is BlockKind.TITLE:
                current = block.section_path
            elif not block.section_path:
                block = block.model_copy(update={"section_path": current})
            yield block


def iter_pdf_pages(path: Path) -> Iterator[list[Any]]:
    """Cleaned unstructured elements of ``path``, one page at a time.

    Memory is bounded by a page: pages are read, fixed (tables, furniture, headings) and handed
    on in turn. Running headers and footers are recognised from a first pass over the page edges
    (:func:`ingestion.pdf_reader.edge_lines`). Raises :class:`ParseError` with a one-line reason
    when the file is not a readable PDF or has no text layer.
    """
    from ingestion.pdf_reader import (
        diagnose_empty_pdf,
        diagnose_unreadable_pdf,
        edge_lines,
        iter_page_elements,
    )

    with path.open("rb") as handle:
        head = handle.read(1024)
    if b"%PDF-" not in head:
        raise ParseError("not a readable PDF: no %PDF- header (not a PDF file)")
    if importlib.util.find_spec("pikepdf") is None:
        raise ParseError("PDF support is incomplete: the pikepdf package is not installed")
    page_count, edges = edge_lines(path)
    repeated = repeated_keys(edges, page_count)
    found_text = False
    with _quiet_pdf_logs():
        try:
            for elements in iter_page_elements(path, PDF_LINE_MARGIN):
                found_text = found_text or any(str(el.text).strip() for el in elements)
                page = merge_table_rows(elements)
                yield fix_headings(drop_furniture_on_page(page, repeated))
        except ParseError:
            raise
        except Exception as exc:
            raise ParseError(diagnose_unreadable_pdf(path, exc)) from None
    if not found_text:
        raise ParseError(diagnose_empty_pdf(path))


@contextmanager
def _quiet_pdf_logs() -> Iterator[None]:
    """Silence pypdf's and pdfminer's warnings ("EOF marker not found"...): failures are
    reported by us, with a reason."""
    loggers = [logging.getLogger(name) for name in ("pypdf", "pdfminer")]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)


_PAGE_NUMBER = re.compile(
    r"^[-–—\s]*(?:page|seite|p\.)?\s*\d{1,4}(?:\s*(?:of|/|von)\s*\d{1,4})?[-–—\s]*$",
    re.IGNORECASE,
)


def _furniture_key(text: str) -> str:
    """Normalise a line for header/footer detection: case and whitespace folded."""
    return " ".join(text.split()).casefold()


def _edges(page: Sequence[Any]) -> list[Any]:
    """The first two and last two elements of a page: where headers and footers sit."""
    return list({id(el): el for el in (*page[:2], *page[-2:])}.values())


def _may_be_furniture(text: str) -> bool:
    """Short, and not a safety notice (those are never dropped)."""
    return len(text) <= MAX_CELL_CHARS and not detect_safety_notices(text)


def repeated_keys(pages: Sequence[Sequence[str]], page_count: int) -> frozenset[str]:
    """Lines found at the edges of more than half of the pages of a 3+ page document."""
    seen: dict[str, set[int]] = defaultdict(set)
    for number, lines in enumerate(pages, start=1):
        for line in lines:
            if line.strip() and _may_be_furniture(line):
                seen[_furniture_key(line)].add(number)
    return frozenset(key for key, on in seen.items() if len(on) * 2 > page_count >= 3)


def drop_furniture_on_page(page: Sequence[Any], repeated: frozenset[str]) -> list[Any]:
    """Drop the page's edge elements that are page numbers or ``repeated`` lines."""
    furniture = {
        id(el)
        for el in _edges(page)
        if _PAGE_NUMBER.match(el.text)
        or (_furniture_key(el.text) in repeated and _may_be_furniture(el.text))
    }
    return [el for el in page if id(el) not in furniture]


def drop_page_furniture(elements: Sequence[Any]) -> list[Any]:
    """Drop page furniture at page edges: page numbers (``12``, ``Page 3 of 9``) and, in
    documents of three pages or more, identical lines on most pages (running headers/footers).

    Headings that merely look alike (``3 Lubrication``, ``4 Seals``) are kept; safety notices
    are never dropped. This whole-document form takes the edges from the elements themselves;
    :func:`iter_pdf_pages` takes them from a first pass over the file and works page by page.
    """
    by_page: dict[int, list[Any]] = defaultdict(list)
    for el in elements:
        by_page[el.metadata.page_number].append(el)
    numbers = sorted(by_page)
    edges = [[el.text for el in _edges(by_page[n])] for n in numbers]
    repeated = repeated_keys(edges, len(numbers))
    return [el for n in numbers for el in drop_furniture_on_page(by_page[n], repeated)]


_NUMBERED_HEADING = re.compile(r"^\d{1,2}(?:\.\d{1,2})*\.?\s+[A-Z][^.!?;:]{2,80}$")


def is_false_title(text: str) -> bool:
    """A Title that is a paragraph's wrapped line: starts in lower case or ends like a clause."""
    text = text.strip()
    return not text or text[0].islower() or text[-1] in ".,;"


def is_numbered_heading(text: str) -> bool:
    """``2 Safety and start-up``, ``4.1 Seals``: a short numbered line without a sentence end."""
    return _NUMBERED_HEADING.match(" ".join(text.split())) is not None


def fix_headings(elements: Sequence[Any]) -> list[Any]:
    """Re-decide Title vs narrative text by form (see the module notes) and drop parent links."""
    from unstructured.documents.elements import NarrativeText, Title

    fixed = []
    for el in elements:
        category = str(el.category)
        if category == "Title" and is_false_title(str(el.text)):
            el = NarrativeText(text=str(el.text), metadata=el.metadata, element_id=el.id)
        elif category in {"NarrativeText", "UncategorizedText"} and is_numbered_heading(
            str(el.text)
        ):
            el = Title(text=str(el.text), metadata=el.metadata, element_id=el.id)
        el.metadata.parent_id = None
        fixed.append(el)
    return fixed


def _y_range(el: Any) -> tuple[float, float] | None:
    """Vertical extent of an element on its page, or None without coordinates."""
    coords = el.metadata.coordinates
    if coords is None or not coords.points:
        return None
    ys = [point[1] for point in coords.points]
    return min(ys), max(ys)


def _x0(el: Any) -> float:
    """Left edge of an element (0 without coordinates)."""
    coords = el.metadata.coordinates
    return min(point[0] for point in coords.points) if coords and coords.points else 0.0


def _overlaps(a: tuple[float, float], b: tuple[float, float]) -> bool:
    """True when two vertical ranges overlap by more than half the smaller height."""
    overlap = min(a[1], b[1]) - max(a[0], b[0])
    return overlap > 0.5 * max(min(a[1] - a[0], b[1] - b[0]), 1e-6)


def _page_lines(items: list[tuple[int, Any]]) -> list[list[tuple[int, Any]]]:
    """Cluster one page's (index, element) pairs into visual lines, top to bottom.

    Elements longer than :data:`MAX_CELL_CHARS` are paragraphs: always a line of their own.
    """
    placed = [(r, i, el) for i, el in items if (r := _y_range(el)) is not None]
    lines: list[tuple[tuple[float, float], list[tuple[int, Any]]]] = []
    for y_range, index, el in sorted(placed, key=lambda t: (t[0][0], t[1])):
        is_cell = len(el.text) <= MAX_CELL_CHARS
        last = lines[-1] if lines else None
        if (
            last
            and is_cell
            and len(last[1][0][1].text) <= MAX_CELL_CHARS
            and _overlaps(last[0], y_range)
        ):
            last[1].append((index, el))
        else:
            lines.append((y_range, [(index, el)]))
    return [cells for _, cells in lines]


def _table_element(lines: list[list[tuple[int, Any]]]) -> Any:
    """One unstructured ``Table`` element with ``cell | cell`` lines, top to bottom."""
    from unstructured.documents.elements import ElementMetadata, Table

    rows = [sorted((el for _, el in line), key=_x0) for line in lines]
    text = "\n".join(" | ".join(" ".join(el.text.split()) for el in row) for row in rows)
    page = rows[0][0].metadata.page_number
    return Table(text=text, metadata=ElementMetadata(page_number=page))


def _page_tables(lines: list[list[tuple[int, Any]]]) -> Iterator[list[list[tuple[int, Any]]]]:
    """Runs of two or more consecutive multi-cell lines (top to bottom) on one page."""
    run: list[list[tuple[int, Any]]] = []
    for line in [*lines, []]:
        if len(line) >= 2:
            run.append(line)
            continue
        if len(run) >= 2:
            yield run
        run = []


def merge_table_rows(elements: Sequence[Any]) -> list[Any]:
    """Replace each grid of short elements (2+ lines of 2+ cells) by one Table element.

    pdfminer may list a table row by row or column by column; lines are rebuilt from
    coordinates. The table takes the list position of its first element.
    """
    by_page: dict[int, list[tuple[int, Any]]] = defaultdict(list)
    for index, el in enumerate(elements):
        by_page[el.metadata.page_number].append((index, el))
    replaced: dict[int, Any] = {}
    dropped: set[int] = set()
    for items in by_page.values():
        for table in _page_tables(_page_lines(items)):
            indices = sorted(index for line in table for index, _ in line)
            replaced[indices[0]] = _table_element(table)
            dropped.update(indices[1:])
    return [replaced.get(i, el) for i, el in enumerate(elements) if i not in dropped]
