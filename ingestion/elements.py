"""Map unstructured elements to our :class:`~core.models.Block` type, with section paths.

unstructured has no "section" field. Each element has a ``parent_id`` (Markdown, HTML and DOCX
nest headings by ``category_depth``; PDF and plain-text titles have none), so the section path is
derived here:

* a ``Title`` gets the path of its parent title (via ``parent_id``) plus its own text; a title
  without a parent starts a new top-level path;
* any other element gets the path of its parent, or, without a usable parent (e-mail bodies, PDF
  text whose parent was a table cell), the path of the last title seen.

Categories: Title -> TITLE; ListItem -> LIST_ITEM; Table -> TABLE (``text_as_html`` rendered as
``cell | cell`` lines, the whole table in one block); page furniture and images are dropped; all
other text categories (NarrativeText, UncategorizedText, FigureCaption, Formula...) -> TEXT.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from core.models import Block, BlockKind
from ingestion.markup import table_html_to_text

DROPPED_CATEGORIES = frozenset(
    {"Header", "Footer", "PageBreak", "PageNumber", "Image", "Picture", "Figure"}
)
_KINDS = {"Title": BlockKind.TITLE, "ListItem": BlockKind.LIST_ITEM, "Table": BlockKind.TABLE}


def _block_text(el: Any, kind: BlockKind) -> str:
    """Element text: tables as ``cell | cell`` lines, anything else on one line."""
    if kind is BlockKind.TABLE:
        html = getattr(el.metadata, "text_as_html", None)
        rendered = table_html_to_text(html) if html else ""
        return rendered or str(el.text).strip()
    return " ".join(str(el.text).split())


def elements_to_blocks(elements: Sequence[Any], with_pages: bool = False) -> list[Block]:
    """Convert elements in document order to blocks; ``with_pages`` keeps PDF page numbers."""
    heading_paths: dict[str, tuple[str, ...]] = {}
    element_paths: dict[str, tuple[str, ...]] = {}
    current: tuple[str, ...] = ()
    blocks: list[Block] = []
    for el in elements:
        category = str(el.category)
        if category in DROPPED_CATEGORIES:
            continue
        kind = _KINDS.get(category, BlockKind.TEXT)
        text = _block_text(el, kind)
        if not text:
            continue
        parent = getattr(el.metadata, "parent_id", None)
        if kind is BlockKind.TITLE:
            current = (*heading_paths.get(parent, ()), text) if parent else (text,)
            heading_paths[el.id] = current
            path = current
        else:
            path = element_paths.get(parent, current) if parent else current
        element_paths[el.id] = path
        page = el.metadata.page_number if with_pages else None
        blocks.append(Block(kind=kind, text=text, section_path=path, page=page))
    return blocks


def first_title(blocks: Sequence[Block]) -> str | None:
    """Text of the first TITLE block, if any."""
    return next((b.text for b in blocks if b.kind is BlockKind.TITLE), None)
