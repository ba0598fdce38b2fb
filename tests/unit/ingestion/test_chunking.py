"""chunk_document: headers, sections and pages, packing, tables, records, deterministic ids."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

import pytest

from core.chunk_text import chunk_header
from core.models import Block, BlockKind, DocumentMeta
from core.settings import ChunkingSettings
from ingestion.chunking import chunk_document, split_long_text
from ingestion.parsing import parse_file

pytestmark = pytest.mark.unit

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "ingestion"
SETTINGS = ChunkingSettings()
MetaFactory = Callable[..., DocumentMeta]
PATH = ("Clearing a bottle jam on FILLER-2", "Procedure")


def text_block(text: str, path: tuple[str, ...] = PATH, page: int | None = None) -> Block:
    return Block(kind=BlockKind.TEXT, text=text, section_path=path, page=page)


def sentence(n: int) -> str:
    return f"Sentence number {n} describes one more careful step of the cleaning routine."


def test_header_line() -> None:
    assert chunk_header("Clearing a bottle jam on FILLER-2", PATH) == (
        "Clearing a bottle jam on FILLER-2 — Procedure"
    )
    assert chunk_header("Manual", ("Specs", "Torque")) == "Manual — Specs > Torque"
    assert chunk_header("Manual", ()) == "Manual"
    assert chunk_header("", ("Specs",)) == "Specs"


def test_markdown_sop_chunks(make_meta: MetaFactory) -> None:
    doc = parse_file(FIXTURES / "sop_filler2.md", 5_000_000)
    chunks = chunk_document(doc.blocks, make_meta(), SETTINGS)
    procedure = next(c for c in chunks if c.section_path == PATH)
    lines = procedure.text.splitlines()
    assert lines[0] == "Clearing a bottle jam on FILLER-2 — Procedure"
    assert lines[1].startswith("WARNING: Lock out the filler")
    assert [line.split(".")[0] for line in lines[2:]] == ["1", "2", "3", "4"]
    assert procedure.safety_notices[0].startswith("WARNING: Lock out the filler")
    assert any(n.startswith("2. Apply lockout/tagout") for n in procedure.safety_notices)
    restart = next(c for c in chunks if c.section_path[-1] == "Restart")
    assert restart.text.splitlines()[1] == "- Remove your lock and tag."
    assert chunks[0].text.splitlines()[0] == "Clearing a bottle jam on FILLER-2"


def test_metadata_is_copied_and_ordinals_are_dense(make_meta: MetaFactory) -> None:
    meta = make_meta()
    blocks = [text_block(sentence(i), path=(f"S{i}",)) for i in range(4)]
    chunks = chunk_document(blocks, meta, SETTINGS)
    assert [c.ordinal for c in chunks] == [0, 1, 2, 3]
    for chunk in chunks:
        assert chunk.version_key == meta.version_key
        assert (chunk.doc_id, chunk.title, chunk.site, chunk.doc_type) == (
            meta.doc_id, meta.title, meta.site, meta.doc_type)  # fmt: skip
        assert (chunk.revision, chunk.audience, chunk.assets, chunk.source_path) == (
            meta.revision, meta.audience, meta.assets, meta.source_path)  # fmt: skip
        assert chunk.kind is BlockKind.TEXT


def test_chunk_ids_are_deterministic(make_meta: MetaFactory) -> None:
    doc = parse_file(FIXTURES / "sop_filler2.md", 5_000_000)
    first = chunk_document(doc.blocks, make_meta(), SETTINGS)
    again = chunk_document(parse_file(FIXTURES / "sop_filler2.md", 5_000_000).blocks,
                           make_meta(), SETTINGS)  # fmt: skip
    assert [c.model_dump() for c in first] == [c.model_dump() for c in again]
    assert len({c.chunk_id for c in first}) == len(first)
    chunk = first[1]
    payload = f"{chunk.version_key}\x1f{chunk.ordinal}\x1f{chunk.text}".encode()
    assert chunk.chunk_id == hashlib.sha256(payload).hexdigest()[:24]
    other = chunk_document(doc.blocks, make_meta(content_hash="cd" * 32), SETTINGS)
    assert {c.chunk_id for c in other}.isdisjoint(c.chunk_id for c in first)


def test_packing_respects_limits_and_sections(make_meta: MetaFactory) -> None:
    blocks = [text_block(sentence(i)) for i in range(40)]
    blocks.append(text_block("Other section text.", path=("Other",)))
    chunks = chunk_document(blocks, make_meta(), SETTINGS)
    assert all(len(c.text) <= SETTINGS.max_characters for c in chunks)
    assert len(chunks) >= 3
    assert chunks[-1].section_path == ("Other",)
    assert "Other section text." not in chunks[-2].text
    body = "\n".join(c.text.split("\n", 1)[1] for c in chunks[:-1])
    assert body == "\n".join(sentence(i) for i in range(40))


def test_long_block_split_at_sentence_ends(make_meta: MetaFactory) -> None:
    settings = ChunkingSettings(max_characters=400, new_after_n_chars=300, combine_under_n_chars=50)
    long_text = " ".join(sentence(i) for i in range(20))
    chunks = chunk_document([text_block(long_text)], make_meta(), settings)
    assert len(chunks) > 1
    for chunk in chunks:
        assert len(chunk.text) <= 400
        assert chunk.text.rstrip().endswith(".")
    assert split_long_text("x" * 25, 10) == ["x" * 10, "x" * 10, "x" * 5]


def test_tiny_tail_joins_previous_chunk(make_meta: MetaFactory) -> None:
    settings = ChunkingSettings(max_characters=400, new_after_n_chars=150, combine_under_n_chars=60)
    blocks = [text_block(sentence(1)), text_block(sentence(2)), text_block("Done.")]
    chunks = chunk_document(blocks, make_meta(), settings)
    assert chunks[-1].text.endswith(f"{sentence(2)}\nDone.")


def test_chunks_never_span_pages(make_meta: MetaFactory) -> None:
    blocks = [text_block("Page one text.", page=1), text_block("More page one.", page=1),
              text_block("Page two text.", page=2)]  # fmt: skip
    chunks = chunk_document(blocks, make_meta(), SETTINGS)
    assert [(c.page, c.text.splitlines()[1:]) for c in chunks] == [
        (1, ["Page one text.", "More page one."]),
        (2, ["Page two text."]),
    ]


def test_pdf_chunks_keep_their_page(pdf_path: Path, make_meta: MetaFactory) -> None:
    doc = parse_file(pdf_path, 5_000_000)
    chunks = chunk_document(doc.blocks, make_meta(title="Extruder EXT-2 Manual"), SETTINGS)
    page_of = {b.text: b.page for b in doc.blocks}
    for chunk in chunks:
        body = chunk.text.split("\n", 1)[1]
        pages = {page for text, page in page_of.items() if text in body}
        assert pages == {chunk.page}
    table = next(c for c in chunks if c.kind is BlockKind.TABLE)
    assert table.page == 2
    assert table.text.splitlines()[0] == "Extruder EXT-2 Manual — 2 Specifications"
    assert [c.page for c in chunks] == sorted(c.page or 0 for c in chunks)


def test_table_kept_whole_with_heading(make_meta: MetaFactory) -> None:
    rows = "\n".join(f"Fastener {i} | M{i} | {i * 10} Nm" for i in range(60))
    blocks = [
        Block(kind=BlockKind.TITLE, text="Torque specs", section_path=("Torque specs",)),
        text_block("Use a calibrated wrench.", path=("Torque specs",)),
        Block(kind=BlockKind.TABLE, text=rows, section_path=("Torque specs",)),
        text_block("Re-check after 24 h.", path=("Torque specs",)),
    ]
    settings = ChunkingSettings(max_characters=300, new_after_n_chars=200, combine_under_n_chars=50)
    chunks = chunk_document(blocks, make_meta(title="CONV-3 manual"), settings)
    assert [c.kind for c in chunks] == [BlockKind.TEXT, BlockKind.TABLE, BlockKind.TEXT]
    table = chunks[1]
    assert table.text == f"CONV-3 manual — Torque specs\n{rows}"
    assert len(table.text) > settings.max_characters


@pytest.mark.parametrize(
    ("fixture", "header"),
    [("csv_path", "Work orders 2025"), ("xlsx_path", "Work orders 2025 — Work orders")],
)
def test_records_are_one_chunk_each(
    fixture: str, header: str, make_meta: MetaFactory, request: pytest.FixtureRequest
) -> None:
    doc = parse_file(request.getfixturevalue(fixture), 5_000_000)
    chunks = chunk_document(doc.blocks, make_meta(title="Work orders 2025"), SETTINGS)
    assert [(c.kind, c.row) for c in chunks] == [(BlockKind.RECORD, n) for n in (1, 2, 3)]
    assert chunks[0].text == (
        f"{header}\nwo_id: WO-1001 | asset: FILLER-2 | date: 2025-03-04 | "
        "symptom: bottles jam at infeed | action: reset starwheel"
    )


def test_long_procedure_splits_between_items(make_meta: MetaFactory) -> None:
    items = [
        Block(kind=BlockKind.LIST_ITEM, text=f"{i}. {sentence(i)}", section_path=PATH)
        for i in range(1, 16)
    ]
    settings = ChunkingSettings(max_characters=500, new_after_n_chars=400, combine_under_n_chars=50)
    chunks = chunk_document(items, make_meta(), settings)
    assert len(chunks) > 1
    lines = [line for c in chunks for line in c.text.splitlines()[1:]]
    assert lines == [item.text for item in items]


def test_leaf_headings_without_body_are_kept_parent_headings_are_not(
    make_meta: MetaFactory,
) -> None:
    blocks = [
        Block(kind=BlockKind.TITLE, text="Procedure", section_path=("Procedure",)),
        Block(kind=BlockKind.TITLE, text="Start", section_path=("Procedure", "Start")),
        Block(
            kind=BlockKind.TEXT, text="Press the green button.", section_path=("Procedure", "Start")
        ),
        Block(
            kind=BlockKind.TITLE,
            text="Reviewed 2025-06-01, no change.",
            section_path=("Reviewed 2025-06-01, no change.",),
        ),
    ]
    chunks = chunk_document(blocks, make_meta(), SETTINGS)
    bodies = [c.text.split("\n", 1)[1] for c in chunks]
    assert bodies == ["Press the green button.", "Reviewed 2025-06-01, no change."]
    assert chunk_document([], make_meta(), SETTINGS) == []
