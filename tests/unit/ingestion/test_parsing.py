"""parse_file: every supported format, encodings, section paths, pages, and one-line errors."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from core.errors import ParseError
from core.models import BlockKind
from ingestion.parsing import SUPPORTED_EXTENSIONS, ParsedDocument, parse_file
from ingestion.reasons import human_size

pytestmark = pytest.mark.unit

LIMIT = 5_000_000
FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "ingestion"


def kinds(doc: ParsedDocument, kind: BlockKind) -> list[str]:
    return [b.text for b in doc.blocks if b.kind is kind]


def test_supported_extensions() -> None:
    assert {".md", ".markdown", ".txt", ".html", ".htm", ".pdf", ".docx", ".csv", ".xlsx",
            ".eml"} == SUPPORTED_EXTENSIONS  # fmt: skip


def test_markdown_front_matter_sections_and_numbered_steps() -> None:
    doc = parse_file(FIXTURES / "sop_filler2.md", LIMIT)
    assert doc.front_matter["doc_id"] == "SOP-FIL-002"
    assert doc.front_matter["revision"] == "3"
    assert doc.title_hint == "Clearing a bottle jam on FILLER-2"
    assert not any("doc_id" in b.text or "effective_date" in b.text for b in doc.blocks)
    steps = [b for b in doc.blocks if b.kind is BlockKind.LIST_ITEM and b.text[0].isdigit()]
    assert [s.text.split(".")[0] for s in steps] == ["1", "2", "3", "4"]
    assert all(s.section_path == ("Clearing a bottle jam on FILLER-2", "Procedure") for s in steps)
    warning = next(b for b in doc.blocks if b.text.startswith("WARNING"))
    assert warning.kind is BlockKind.TEXT
    assert warning.section_path[-1] == "Procedure"
    restart = [b for b in doc.blocks if b.section_path[-1:] == ("Restart",)]
    assert [b.kind for b in restart] == [BlockKind.TITLE, BlockKind.LIST_ITEM, BlockKind.LIST_ITEM]


def test_markdown_without_front_matter_has_empty_dict(tmp_path: Path) -> None:
    path = tmp_path / "note.markdown"
    path.write_text("# Note\n\nThe line runs at 400 bottles per minute on average.\n", "utf-8")
    doc = parse_file(path, LIMIT)
    assert doc.front_matter == {}
    assert doc.title_hint == "Note"


@pytest.mark.parametrize("encoding", ["latin-1", "cp1252", "utf-8", "utf-16"])
def test_text_in_legacy_encodings_is_decoded(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "note.txt"
    text = "WARTUNG\n\nTemperatur 80 °C halten. Die Düse ist heiß.\n"
    path.write_bytes(text.encode(encoding))
    doc = parse_file(path, LIMIT)
    body = " ".join(b.text for b in doc.blocks)
    assert "Temperatur 80 °C" in body
    assert "heiß" in body


def test_cp1252_specific_characters(tmp_path: Path) -> None:
    path = tmp_path / "cost.txt"
    path.write_bytes("Spare part cost \u20ac 45, \u201cgenuine\u201d only.\n".encode("cp1252"))
    doc = parse_file(path, LIMIT)
    assert "€ 45, “genuine” only." in doc.blocks[0].text


def test_html_headings_table_and_ordered_list() -> None:
    doc = parse_file(FIXTURES / "manual_conv3.html", LIMIT)
    assert doc.title_hint == "CONV-3 gearbox manual"
    tables = [b for b in doc.blocks if b.kind is BlockKind.TABLE]
    assert len(tables) == 1
    assert tables[0].text.splitlines() == [
        "Fastener | Size | Torque",
        "Coupling bolts | M12 | 85 Nm",
        "Motor flange | M10 | 49 Nm",
    ]
    assert tables[0].section_path == ("CONV-3 gearbox manual", "Torque specifications")
    steps = kinds(doc, BlockKind.LIST_ITEM)
    assert steps[0] == "1. Isolate and lock out the conveyor drive."
    assert steps[2].startswith("3. Undo the coupling bolts")


def test_pdf_pages_headings_and_table(pdf_path: Path) -> None:
    doc = parse_file(pdf_path, LIMIT)
    assert doc.title_hint == "Extruder EXT-2 Manual"
    assert {b.page for b in doc.blocks} == {1, 2, 3}
    titles = {b.text: b.page for b in doc.blocks if b.kind is BlockKind.TITLE}
    assert titles["1 Safety"] == 1
    assert titles["2 Specifications"] == 2
    assert titles["3 Troubleshooting"] == 3
    table = next(b for b in doc.blocks if b.kind is BlockKind.TABLE)
    assert table.page == 2
    assert table.section_path == ("2 Specifications",)
    assert table.text.splitlines() == ["Parameter | Value", "Barrel zone 1 | 180 C",
                                       "Screw speed | 60 rpm"]  # fmt: skip
    warning = next(b for b in doc.blocks if b.text.startswith("WARNING"))
    assert (warning.page, warning.section_path) == (1, ("1 Safety",))


def test_docx_headings_table_and_numbering(docx_path: Path) -> None:
    doc = parse_file(docx_path, LIMIT)
    assert doc.title_hint == "Gearbox manual"
    table = next(b for b in doc.blocks if b.kind is BlockKind.TABLE)
    assert table.text == "Part | Torque\nCoupling | 45 Nm"
    assert table.section_path == ("Torque specs",)
    steps = [b for b in doc.blocks if b.kind is BlockKind.LIST_ITEM]
    assert [s.text for s in steps] == ["1. Stop the conveyor.", "2. Isolate the drive."]
    assert steps[0].section_path == ("Torque specs", "Procedure")
    assert all(b.page is None for b in doc.blocks)


def test_email_subject_is_title_hint(eml_path: Path) -> None:
    doc = parse_file(eml_path, LIMIT)
    assert doc.title_hint == "Filler 2 jam report, night shift"
    assert any("replaced a worn starwheel pocket" in b.text for b in doc.blocks)


@pytest.mark.parametrize("fixture", ["csv_path", "xlsx_path"])
def test_tabular_files_give_one_record_per_row(
    fixture: str, request: pytest.FixtureRequest
) -> None:
    path: Path = request.getfixturevalue(fixture)
    doc = parse_file(path, LIMIT)
    assert [b.kind for b in doc.blocks] == [BlockKind.RECORD] * 3
    assert [b.row for b in doc.blocks] == [1, 2, 3]
    first = doc.blocks[0]
    assert first.record_fields["wo_id"] == "WO-1001"
    assert first.text == (
        "wo_id: WO-1001 | asset: FILLER-2 | date: 2025-03-04 | "
        "symptom: bottles jam at infeed | action: reset starwheel"
    )
    expected_path = ("Work orders",) if path.suffix == ".xlsx" else ()
    assert first.section_path == expected_path
    assert doc.title_hint is None


def test_extension_is_case_insensitive(tmp_path: Path) -> None:
    path = tmp_path / "SOP.MD"
    shutil.copy(FIXTURES / "sop_filler2.md", path)
    assert parse_file(path, LIMIT).title_hint == "Clearing a bottle jam on FILLER-2"


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def _scanned_pdf(path: Path) -> Path:
    from reportlab.pdfgen import canvas

    page = canvas.Canvas(str(path), invariant=1)
    page.rect(100, 100, 200, 200, fill=1)  # a drawing, no text layer
    page.showPage()
    page.save()
    return path


@pytest.mark.parametrize(
    ("name", "make", "expected"),
    [
        ("empty.md", lambda p: _write(p, "empty.md", b""), "empty file"),
        ("blank.txt", lambda p: _write(p, "blank.txt", b" \n\t\n"), "empty file"),
        ("random.pdf", lambda p: _write(p, "random.pdf", bytes(range(256)) * 8),
         "not a readable PDF"),
        ("tool.exe", lambda p: _write(p, "tool.exe", b"MZ\x90\x00"), "unsupported file type .exe"),
        ("README", lambda p: _write(p, "README", b"hello"), "unsupported file type"),
        ("header.csv", lambda p: _write(p, "header.csv", b"wo_id,asset,symptom\n"),
         "only a header row, no data rows"),
        ("bad.docx", lambda p: _write(p, "bad.docx", b"not a zip archive at all"),
         "not a readable DOCX file"),
        ("bad.xlsx", lambda p: _write(p, "bad.xlsx", b"not a zip archive at all"),
         "not a readable XLSX workbook"),
        ("bin.txt", lambda p: _write(p, "bin.txt", b"abc\x00\x00def"), "binary content"),
        ("fm.md", lambda p: _write(p, "fm.md", b"---\ntitle: [unclosed\n---\n# T\n\nBody text.\n"),
         "invalid YAML front matter"),
        ("scan.pdf", lambda p: _scanned_pdf(p / "scan.pdf"), "no extractable text"),
    ],
)  # fmt: skip
def test_bad_inputs_raise_one_line_parse_error(
    tmp_path: Path, name: str, make: object, expected: str
) -> None:
    path = make(tmp_path)  # type: ignore[operator]
    with pytest.raises(ParseError) as info:
        parse_file(path, LIMIT)
    message = str(info.value)
    assert expected in message
    assert "\n" not in message


def test_truncated_pdf(tmp_path: Path, pdf_path: Path) -> None:
    data = pdf_path.read_bytes()
    path = _write(tmp_path, "truncated.pdf", data[: len(data) // 2])
    with pytest.raises(ParseError) as info:
        parse_file(path, LIMIT)
    assert str(info.value).startswith("not a readable PDF:")
    assert "\n" not in str(info.value)


def test_file_over_limit_reports_sizes(tmp_path: Path) -> None:
    path = _write(tmp_path, "big.txt", b"x" * 3072)
    with pytest.raises(ParseError, match=r"^file is 3 KB, over the 2 KB limit$"):
        parse_file(path, max_bytes=2048)


def test_human_size_matches_the_documented_message() -> None:
    assert human_size(int(52.4 * 1024 * 1024)) == "52.4 MB"
    assert human_size(25 * 1024 * 1024) == "25 MB"
    assert human_size(512) == "512 bytes"


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ParseError, match="cannot read file"):
        parse_file(tmp_path / "gone.md", LIMIT)


def test_library_exceptions_are_wrapped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import ingestion.parsing as parsing_module

    def explode(*_: object, **__: object) -> None:
        raise ValueError("boom\nwith a second line")

    monkeypatch.setattr(parsing_module, "markdown_blocks", explode)
    path = _write(tmp_path, "note.md", b"Some text.\n")
    with pytest.raises(ParseError, match=r"^not a readable md file: boom with a second line$"):
        parse_file(path, LIMIT)


def test_markdown_list_numbers_follow_the_source(tmp_path: Path) -> None:
    path = tmp_path / "steps.md"
    path.write_text(
        "# Steps\n\n1. First step.\n\n2. Second **bold** step.\n\n"
        "Intermission paragraph here.\n\n4. Fourth resumes.\n5. Fifth.\n",
        "utf-8",
    )
    steps = kinds(parse_file(path, LIMIT), BlockKind.LIST_ITEM)
    assert steps == ["1. First step.", "2. Second bold step.", "4. Fourth resumes.", "5. Fifth."]


def test_html_ordered_list_start_and_loose_items(tmp_path: Path) -> None:
    path = tmp_path / "steps.htm"
    path.write_text('<h1>X</h1><ol start="7"><li><p>Seven</p></li><li>Eight <b>now</b></li></ol>')
    assert kinds(parse_file(path, LIMIT), BlockKind.LIST_ITEM) == ["7. Seven", "8. Eight now"]
