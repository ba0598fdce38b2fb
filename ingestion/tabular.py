"""Work-order and incident exports (CSV, XLSX) -> one RECORD block per data row.

Why not unstructured here: ``partition_csv`` and ``partition_xlsx`` return a single ``Table``
element per file or sheet (checked with unstructured 0.27.32: a 2-row CSV gives one Table whose
text is ``"wo_id asset symptom WO-1 FILLER-2 jam WO-2 CONV-3 noise"``). One blob per sheet loses
the row a fact came from, so citations could not point at a work order, and a large export would
be one giant chunk. Reading rows directly keeps per-row citations and costs nothing.

Each record is rendered as ``column: value`` pairs joined by ``" | "`` (empty cells left out) so
both BM25 and the embedder see the column names next to the values. ``row`` is the 1-based data
row number: the first row under the header is 1; fully empty rows are skipped but still counted,
so ``row`` + header line number is the line a user sees in a spreadsheet.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import date, datetime, time
from pathlib import Path

from core.errors import ParseError
from core.models import Block, BlockKind
from ingestion.encoding import decode_text
from ingestion.reasons import one_line

_DELIMITERS = ",;\t|"
_SNIFF_BYTES = 64 * 1024


def _cell_text(value: object) -> str:
    """Render one cell as text: dates in ISO form, integral floats without ``.0``."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat(" ")
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _header_names(cells: Sequence[str]) -> list[str]:
    """Clean header cells: blank names become ``column_N``, duplicates get ``_2``, ``_3``..."""
    names: list[str] = []
    for index, cell in enumerate(cells, start=1):
        base = " ".join(cell.split()) or f"column_{index}"
        name, suffix = base, 2
        while name in names:
            name, suffix = f"{base}_{suffix}", suffix + 1
        names.append(name)
    return names


def render_record(fields: dict[str, str]) -> str:
    """``wo_id: WO-1001 | asset: FILLER-2 | ...`` with empty values left out."""
    return " | ".join(f"{name}: {value}" for name, value in fields.items() if value)


def rows_to_records(
    rows: Iterable[Sequence[object]], section_path: tuple[str, ...] = ()
) -> list[Block]:
    """Turn raw rows (header first; blank rows anywhere) into RECORD blocks.

    Raises :class:`ParseError` when there is no header, or a header and no data rows.
    """
    header: list[str] | None = None
    blocks: list[Block] = []
    data_row = 0
    for raw in rows:
        cells = [_cell_text(value) for value in raw]
        if header is None:
            if any(cells):
                header = _header_names(cells)
            continue
        data_row += 1
        if not any(cells):
            continue
        while len(header) < len(cells):
            header.append(f"column_{len(header) + 1}")
        fields = {name: (cells[i] if i < len(cells) else "") for i, name in enumerate(header)}
        blocks.append(
            Block(
                kind=BlockKind.RECORD,
                text=render_record(fields),
                section_path=section_path,
                row=data_row,
                record_fields=fields,
            )
        )
    if header is None:
        raise ParseError("no rows (the table is empty)")
    if not blocks:
        raise ParseError("only a header row, no data rows")
    return blocks


def _sniff_dialect(text: str) -> type[csv.Dialect] | csv.Dialect:
    """Guess the delimiter among ``, ; TAB |``; fall back to the comma (excel dialect)."""
    try:
        return csv.Sniffer().sniff(text[:_SNIFF_BYTES], delimiters=_DELIMITERS)
    except csv.Error:
        return csv.excel


def parse_csv(path: Path) -> list[Block]:
    """Read a CSV export (any delimiter, legacy encodings) into RECORD blocks."""
    text = decode_text(path.read_bytes())
    if not text.strip():
        raise ParseError("empty file")
    reader = csv.reader(io.StringIO(text, newline=""), _sniff_dialect(text))
    try:
        return rows_to_records(reader)
    except csv.Error as exc:
        raise ParseError(f"not a readable CSV file: {exc}") from None


def parse_xlsx(path: Path) -> list[Block]:
    """Read every sheet of an XLSX workbook (cached values, not formulas) into RECORD blocks.

    Sheets without data rows are skipped; an error is raised only if no sheet has any.
    """
    import openpyxl

    blocks: list[Block] = []
    problem = "no worksheets"
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
        try:
            for sheet in workbook.worksheets:
                rows = sheet.iter_rows(values_only=True)
                try:
                    blocks.extend(rows_to_records(rows, (str(sheet.title),)))
                except ParseError as exc:
                    problem = str(exc)
        finally:
            workbook.close()
    except Exception as exc:
        raise ParseError(f"not a readable XLSX workbook: {one_line(exc)}") from None
    if not blocks:
        raise ParseError(problem)
    return blocks
