"""Markdown and HTML read without unstructured: headings nest, lists, tables, no spaCy."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from core.models import BlockKind
from ingestion.markdown_reader import html_blocks, markdown_blocks

pytestmark = pytest.mark.unit

REPO = Path(__file__).resolve().parents[3]

DOC = """# Pump P-302 seal change

Intro paragraph with **bold** and a [link](http://example.invalid).

## Isolation

1. Close valve V-1.
2. Open drain D-2:
    - check the gauge reads 0 bar
    - tag the valve

### Torque

| Bolt | Torque |
|------|--------|
| M12  | 80 Nm  |

## Restart

Restart at low speed.
"""


def test_headings_nest_by_level_and_blocks_take_the_last_heading() -> None:
    blocks = markdown_blocks(DOC)
    summary = [(b.kind, b.section_path[-1] if b.section_path else "", b.text) for b in blocks]
    intro = "Intro paragraph with bold and a link."
    assert summary == [
        (BlockKind.TITLE, "Pump P-302 seal change", "Pump P-302 seal change"),
        (BlockKind.TEXT, "Pump P-302 seal change", intro),
        (BlockKind.TITLE, "Isolation", "Isolation"),
        (BlockKind.LIST_ITEM, "Isolation", "1. Close valve V-1."),
        (BlockKind.LIST_ITEM, "Isolation", "2. Open drain D-2:"),
        (BlockKind.LIST_ITEM, "Isolation", "check the gauge reads 0 bar"),
        (BlockKind.LIST_ITEM, "Isolation", "tag the valve"),
        (BlockKind.TITLE, "Torque", "Torque"),
        (BlockKind.TABLE, "Torque", "Bolt | Torque\nM12 | 80 Nm"),
        (BlockKind.TITLE, "Restart", "Restart"),
        (BlockKind.TEXT, "Restart", "Restart at low speed."),
    ]
    torque = next(b for b in blocks if b.kind is BlockKind.TABLE)
    assert torque.section_path == ("Pump P-302 seal change", "Isolation", "Torque")
    restart = blocks[-1]
    assert restart.section_path == ("Pump P-302 seal change", "Restart")


def test_html_skips_the_head_and_walks_into_containers() -> None:
    html = (
        "<html><head><title>Not text</title><style>p {}</style></head><body>"
        "<div><h2>Checks</h2><section><p>Check the level.</p></section></div>"
        "<h3>Daily</h3><ul><li>Blow down the gauge glass.</li></ul></body></html>"
    )
    blocks = html_blocks(html)
    assert [(b.kind, b.text) for b in blocks] == [
        (BlockKind.TITLE, "Checks"),
        (BlockKind.TEXT, "Check the level."),
        (BlockKind.TITLE, "Daily"),
        (BlockKind.LIST_ITEM, "Blow down the gauge glass."),
    ]
    assert blocks[-1].section_path == ("Checks", "Daily")


def test_markdown_and_html_files_load_neither_spacy_nor_unstructured(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text(DOC, "utf-8")
    (tmp_path / "b.html").write_text("<h1>T</h1><ol><li>Step one.</li></ol>", "utf-8")
    code = (
        "import sys; from pathlib import Path; from ingestion.parsing import parse_file; "
        f"[parse_file(Path({str(tmp_path)!r}) / n, 10**9) for n in ('a.md', 'b.html')]; "
        "print([m for m in sys.modules if m.startswith(('spacy', 'unstructured'))])"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "[]"
