"""Plain-text reports and text/plain e-mails keep their headings and list items."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.models import BlockKind
from ingestion.parsing import parse_file
from ingestion.plaintext import is_heading, plain_text_blocks

pytestmark = pytest.mark.unit

REPORT = """INCIDENT REPORT INC-7
Asset      : CONV-3 drive gearbox
Downtime   : Line 2, 6.5 hours

ROOT CAUSE
- Output shaft seal leaking for a week; breather plug
  blocked with label dust.
- No oil level check in the PM plan.

NARRATIVE
At 22:40 the drive tripped on overload
and would not restart.
"""


@pytest.mark.parametrize(
    ("line", "heading"),
    [
        ("ROOT CAUSE", True),
        ("4. AREA REQUIREMENTS", True),
        ("LINE 2 (Lemon Sparkle 500 mL)", True),
        ("5. CHEMICAL HANDLING (CAUSTIC SODA, NITRIC ACID, PERACETIC ACID)", True),
        ("WARNING: KEEP CLEAR.", False),
        ("Asset : CONV-3", False),
        ("Day shift,", False),
        ("OK", False),
    ],
)
def test_headings_are_short_lines_of_capitals(line: str, heading: bool) -> None:
    assert is_heading(line) is heading


def test_report_keeps_sections_items_and_fields_apart() -> None:
    blocks = plain_text_blocks(REPORT)
    kinds = [(b.kind, b.section_path[-1:], b.text[:20]) for b in blocks]
    assert kinds == [
        (BlockKind.TITLE, ("INCIDENT REPORT INC-7",), "INCIDENT REPORT INC-"),
        (BlockKind.TEXT, ("INCIDENT REPORT INC-7",), "Asset      : CONV-3 "),
        (BlockKind.TEXT, ("INCIDENT REPORT INC-7",), "Downtime   : Line 2,"),
        (BlockKind.TITLE, ("ROOT CAUSE",), "ROOT CAUSE"),
        (BlockKind.LIST_ITEM, ("ROOT CAUSE",), "- Output shaft seal "),
        (BlockKind.LIST_ITEM, ("ROOT CAUSE",), "- No oil level check"),
        (BlockKind.TITLE, ("NARRATIVE",), "NARRATIVE"),
        (BlockKind.TEXT, ("NARRATIVE",), "At 22:40 the drive t"),
    ]
    assert blocks[4].text.endswith("breather plug blocked with label dust.")
    assert blocks[-1].text == "At 22:40 the drive tripped on overload and would not restart."


def test_plain_text_mail_items_are_blocks_under_their_headings(tmp_path: Path) -> None:
    mail = tmp_path / "handover.eml"
    mail.write_bytes(
        b"From: a@example.com\nTo: b@example.com\nSubject: Handover night\n 2-3 Nov\n"
        b"Content-Type: text/plain; charset=utf-8\n\nDay shift,\n\nLINE 2\n"
        b"- FILLER-2 valve 14 dripping, WO raised.\n- CAPPER-1 head 9 read 1.1 Nm,\n"
        b"  re-checked 1.4 Nm.\n"
    )
    parsed = parse_file(mail, 10_000_000)
    assert parsed.title_hint == "Handover night 2-3 Nov"
    items = [b for b in parsed.blocks if b.kind is BlockKind.LIST_ITEM]
    assert [b.section_path for b in items] == [("LINE 2",), ("LINE 2",)]
    assert items[1].text == "- CAPPER-1 head 9 read 1.1 Nm, re-checked 1.4 Nm."
