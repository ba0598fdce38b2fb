"""PDF post-processing on synthetic elements: table lines from coordinates, page furniture,
headings decided by form."""

from __future__ import annotations

from typing import Any

import pytest

from ingestion.elements import elements_to_blocks
from ingestion.pdf import drop_page_furniture, fix_headings, merge_table_rows

pytestmark = pytest.mark.unit


def element(text: str, page: int, x: float, y: float, kind: str = "Title") -> Any:
    """An unstructured element with a 10-point-high box at (x, y) on ``page``."""
    from unstructured.documents.coordinates import PixelSpace
    from unstructured.documents.elements import (
        CoordinatesMetadata,
        ElementMetadata,
        NarrativeText,
        Title,
    )

    points = ((x, y), (x, y + 10), (x + 50, y + 10), (x + 50, y))
    coords = CoordinatesMetadata(points=points, system=PixelSpace(width=600, height=800))
    cls = Title if kind == "Title" else NarrativeText
    return cls(text=text, metadata=ElementMetadata(page_number=page, coordinates=coords))


def test_table_cells_listed_column_by_column_become_one_table() -> None:
    elements = [
        element("2 Specifications", 2, 70, 80),
        element("Settings in production are listed below.", 2, 70, 100, "NarrativeText"),
        element("Parameter", 2, 240, 120),
        element("Barrel zone 1", 2, 240, 140),
        element("Screw speed", 2, 240, 160),
        element("Value", 2, 320, 120),
        element("180 C", 2, 320, 140),
        element("60 rpm", 2, 320, 160),
        element("After the table.", 2, 70, 200, "NarrativeText"),
    ]
    merged = merge_table_rows(elements)
    assert [el.category for el in merged] == ["Title", "NarrativeText", "Table", "NarrativeText"]
    assert merged[2].text == "Parameter | Value\nBarrel zone 1 | 180 C\nScrew speed | 60 rpm"
    assert merged[2].metadata.page_number == 2


def test_a_single_line_of_side_by_side_elements_is_not_a_table() -> None:
    elements = [element("Left", 1, 70, 100), element("Right", 1, 300, 100)]
    assert [el.text for el in merge_table_rows(elements)] == ["Left", "Right"]


def test_rows_on_different_pages_do_not_merge() -> None:
    elements = [
        element("a", 1, 70, 100),
        element("b", 1, 300, 100),
        element("c", 2, 70, 100),
        element("d", 2, 300, 100),
    ]
    assert len(merge_table_rows(elements)) == 4


def test_running_headers_and_page_numbers_are_dropped_headings_kept() -> None:
    elements = []
    for page in range(1, 5):
        elements += [
            element("EXT-2 Manual Rev 3", page, 70, 20),
            element(f"{page} Section {page + 10}", page, 70, 80),
            element("WARNING: hot surface", page, 70, 100, "NarrativeText"),
            element(f"Body text of page {page}.", page, 70, 400, "NarrativeText"),
            element(f"Page {page} of 4", page, 70, 780),
        ]
    kept = [el.text for el in drop_page_furniture(elements)]
    assert "EXT-2 Manual Rev 3" not in kept
    assert not any(text.startswith("Page ") for text in kept)
    assert kept[:3] == ["1 Section 11", "WARNING: hot surface", "Body text of page 1."]
    assert len(kept) == 12


def test_short_documents_keep_repeated_lines_but_drop_page_numbers() -> None:
    elements = [element("Header", 1, 70, 20), element("1", 1, 70, 780)]
    elements += [element("Header", 2, 70, 20), element("- 2 -", 2, 70, 780)]
    assert [el.text for el in drop_page_furniture(elements)] == ["Header", "Header"]


def test_wrapped_lines_are_not_headings_and_numbered_lines_are() -> None:
    elements = [
        element("1 Technical data", 1, 70, 80),
        element("2 Safety and start-up", 2, 70, 80, "NarrativeText"),
        element(
            "WARNING: Never start the screw with a cold barrel, or it may blow the",
            2,
            70,
            100,
            "NarrativeText",
        ),
        element("rupture disc.", 2, 70, 110),
        element("1. Switch on barrel heating and check all zones.", 2, 70, 130, "NarrativeText"),
        element("3 bar is the maximum purge pressure.", 2, 70, 150, "NarrativeText"),
    ]
    blocks = elements_to_blocks(fix_headings(elements), with_pages=True)
    headings = [b.text for b in blocks if b.kind.value == "title"]
    assert headings == ["1 Technical data", "2 Safety and start-up"]
    assert blocks[3].text == "rupture disc."
    assert all(b.section_path == ("2 Safety and start-up",) for b in blocks[1:])
