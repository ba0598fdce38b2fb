"""Section paths from a numbered outline (a regulation without headings)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from core.models import Block, BlockKind, DocumentMeta
from core.settings import ChunkingSettings
from ingestion.chunking import chunk_document
from ingestion.markdown_reader import markdown_blocks
from ingestion.outline import outline_sections

pytestmark = pytest.mark.unit

REGULATION = """§ 1910.999 Control of things.

(a) Scope and purpose —

(1) Scope.

(i) This standard covers the servicing of machines.

(ii) It does not cover the following:

(A) Construction;

(B) Agriculture.

(2) Application.

(i) This standard applies to energy control.

(b) Definitions applicable to this section.

Affected employee. An employee who operates a machine being serviced.

(c) General —

(7) Training and communication.

(i) The employer shall provide training to employees.

(iii) Employee retraining.

(A) Retraining shall be provided whenever there is a change in job assignments.

(8) Energy isolation.  Lockout shall be performed only by the authorized employees who are
performing the servicing or maintenance on the machine.

Appendix A—Typical minimal procedure

Sequence of Lockout

(1) Notify all affected employees that servicing is required on the machine.

(2) Shut the machine down by the normal stopping procedure.

(3) The machine is now locked out.

Restoring Equipment to Service. When the work is complete, do the following.
"""


class _Paths:
    """Section path of the body block whose text starts with a given prefix."""

    def __init__(self, blocks: list[Block]) -> None:
        self.blocks = [b for b in blocks if b.kind is not BlockKind.TITLE]

    def __getitem__(self, prefix: str) -> tuple[str, ...]:
        return next(b.section_path for b in self.blocks if b.text.startswith(prefix))


def test_outline_titles_nest_by_numbering_style() -> None:
    paths = _Paths(outline_sections(markdown_blocks(REGULATION)))
    assert paths["(i) This standard covers the se"] == ("(a) Scope and purpose", "(1) Scope")
    assert paths["(B) Agriculture."] == ("(a) Scope and purpose", "(1) Scope")
    assert paths["(i) This standard applies to en"] == ("(a) Scope and purpose", "(2) Application")
    assert paths["(A) Retraining shall be provide"] == (
        "(c) General",
        "(7) Training and communication",
        "(iii) Employee retraining",
    )


def test_a_title_between_headed_siblings_heads_unnumbered_text() -> None:
    paths = _Paths(outline_sections(markdown_blocks(REGULATION)))
    assert paths["Affected employee. An employee "] == (
        "(b) Definitions applicable to this section",
    )


def test_a_run_in_heading_keeps_its_paragraph_whole() -> None:
    blocks = outline_sections(markdown_blocks(REGULATION))
    titles = [b.text for b in blocks if b.kind is BlockKind.TITLE]
    assert "(8) Energy isolation" in titles
    body = next(b for b in blocks if b.text.startswith("(8) Energy isolation."))
    assert body.kind is BlockKind.TEXT
    assert body.section_path == ("(c) General", "(8) Energy isolation")


def test_procedure_steps_in_outline_style_are_not_headings() -> None:
    blocks = outline_sections(markdown_blocks(REGULATION))
    titles = [b.text for b in blocks if b.kind is BlockKind.TITLE]
    assert not any(t.startswith(("(1) Notify", "(2) Shut", "(3) The machine")) for t in titles)
    paths = _Paths(blocks)
    # An unnumbered title line ends the outline and heads what follows.
    assert paths["(3) The machine is now locked o"] == ("Sequence of Lockout",)
    assert paths["Restoring Equipment to Service."] == ("Sequence of Lockout",)


def test_roman_i_after_h_is_a_letter() -> None:
    text = "\n\n".join(
        f"({c}) Part {c.upper()}.\n\n(1) Text of part {c} that is a sentence." for c in "abcdefghij"
    )
    paths = _Paths(outline_sections(markdown_blocks(text)))
    assert paths["(1) Text of part i that is a se"] == ("(i) Part I",)
    assert paths["(1) Text of part j that is a se"] == ("(j) Part J",)


def test_a_document_with_headings_is_left_as_it_is() -> None:
    blocks = markdown_blocks("# SOP\n\n## Scope\n\n(a) Scope.\n\n(1) Text of the scope here.\n")
    assert outline_sections(blocks) == blocks


def test_a_few_numbered_lines_do_not_make_an_outline() -> None:
    blocks = markdown_blocks("Notes\n\n(a) Check.\n\n(1) The pump is checked daily by the shift.\n")
    assert outline_sections(blocks) == blocks


@pytest.mark.parametrize("on", [True, False])
def test_the_chunker_uses_the_outline_only_when_asked(
    on: bool, make_meta: Callable[..., DocumentMeta]
) -> None:
    settings = ChunkingSettings(outline_sections=on)
    chunks = chunk_document(markdown_blocks(REGULATION), make_meta(), settings)
    paths = {c.section_path for c in chunks}
    assert (("(c) General", "(7) Training and communication") in paths) is on
    assert any("This standard covers the servicing" in c.text for c in chunks)


@pytest.mark.parametrize("text", ["Plain text, no numbers at all.", "(a) One.\n\n(b) Two."])
def test_text_without_an_outline_is_left_as_it_is(text: str) -> None:
    blocks = markdown_blocks(text)
    assert outline_sections(blocks) == blocks


def test_short_list_items_and_tables_stay_content() -> None:
    text = REGULATION.replace(
        "Sequence of Lockout\n",
        "Sequence of Lockout\n\n- Safety glasses\n- Hearing protection\n\n"
        "| Item | Value |\n|---|---|\n| Lock | red |\n",
    )
    blocks = outline_sections(markdown_blocks(text))
    titles = [b.text for b in blocks if b.kind is BlockKind.TITLE]
    assert "Safety glasses" not in titles and not any("Lock" in t and "|" in t for t in titles)
    kept = {b.kind for b in blocks if b.section_path == ("Sequence of Lockout",)}
    assert {BlockKind.LIST_ITEM, BlockKind.TABLE} <= kept
