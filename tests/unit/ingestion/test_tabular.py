"""CSV/XLSX exports -> RECORD blocks: delimiters, encodings, blank rows, cell formatting."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from core.errors import ParseError
from core.models import BlockKind
from ingestion.tabular import parse_csv, parse_xlsx, render_record, rows_to_records

pytestmark = pytest.mark.unit


def test_semicolon_delimited_cp1252_csv(tmp_path: Path) -> None:
    path = tmp_path / "incidents.csv"
    text = "id;asset;description\r\nINC-7;EXT-2;Düse verstopft, 80 °C\r\nINC-8;EXT-2;Stopp\r\n"
    path.write_bytes(text.encode("cp1252"))
    blocks = parse_csv(path)
    assert [b.row for b in blocks] == [1, 2]
    assert blocks[0].record_fields == {
        "id": "INC-7",
        "asset": "EXT-2",
        "description": "Düse verstopft, 80 °C",
    }


def test_tab_delimited_with_quoted_newline(tmp_path: Path) -> None:
    path = tmp_path / "wo.csv"
    path.write_text('wo_id\tnote\nWO-1\t"line one\nline two"\n', "utf-8")
    (block,) = parse_csv(path)
    assert block.record_fields["note"] == "line one\nline two"


def test_blank_rows_are_skipped_but_counted(tmp_path: Path) -> None:
    path = tmp_path / "wo.csv"
    path.write_text("\nwo_id,asset\nWO-1,A\n,\n\nWO-2,B\n", "utf-8")
    blocks = parse_csv(path)
    assert [(b.row, b.record_fields["wo_id"]) for b in blocks] == [(1, "WO-1"), (4, "WO-2")]


def test_empty_cells_left_out_of_text_but_kept_in_fields() -> None:
    (block,) = rows_to_records([["wo_id", "asset", "action"], ["WO-1", "", "reset"]])
    assert block.kind is BlockKind.RECORD
    assert block.text == "wo_id: WO-1 | action: reset"
    assert block.record_fields == {"wo_id": "WO-1", "asset": "", "action": "reset"}


def test_header_cleanup_and_extra_cells() -> None:
    (block,) = rows_to_records([["id", "", "id"], ["1", "2", "3", "4"]])
    assert list(block.record_fields) == ["id", "column_2", "id_2", "column_4"]


def test_render_record() -> None:
    assert render_record({"a": "1", "b": "", "c": "x y"}) == "a: 1 | c: x y"


@pytest.mark.parametrize(
    ("rows", "message"),
    [([], "no rows"), ([["", ""], []], "no rows"), ([["a", "b"], ["", ""]], "only a header row")],
)
def test_no_data_rows(rows: list[list[str]], message: str) -> None:
    with pytest.raises(ParseError, match=message):
        rows_to_records(rows)


def test_xlsx_cells_sheets_and_formulas(tmp_path: Path) -> None:
    import openpyxl

    workbook = openpyxl.Workbook()
    first = workbook.active
    assert first is not None
    first.title = "2025"
    first.append(["wo_id", "opened", "hours", "cost"])
    first.append(["WO-9", datetime(2025, 3, 4), 2.0, 12.5])
    empty = workbook.create_sheet("Notes")
    empty.append(["only", "a", "header"])
    second = workbook.create_sheet("2024")
    second.append(["wo_id", "opened"])
    second.append(["WO-1", datetime(2024, 1, 2, 13, 30)])
    path = tmp_path / "wo.xlsx"
    workbook.save(str(path))

    blocks = parse_xlsx(path)
    assert [(b.section_path, b.row) for b in blocks] == [(("2025",), 1), (("2024",), 1)]
    assert blocks[0].text == "wo_id: WO-9 | opened: 2025-03-04 | hours: 2 | cost: 12.5"
    assert blocks[1].record_fields["opened"] == "2024-01-02 13:30:00"


def test_xlsx_with_only_headers(tmp_path: Path) -> None:
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["wo_id", "asset"])
    path = tmp_path / "wo.xlsx"
    workbook.save(str(path))
    with pytest.raises(ParseError, match="only a header row"):
        parse_xlsx(path)
