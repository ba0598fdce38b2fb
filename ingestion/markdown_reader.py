"""Markdown and HTML to blocks without unstructured: their structure is explicit.

``unstructured.partition.md`` renders Markdown to HTML and partitions that HTML with
``partition_html``, which loads spaCy (and the ``en_core_web_sm`` pipeline) to guess which
paragraphs are titles; importing them and loading the model cost about 4 s in every parse
worker, for a decision ``#`` and ``<h2>`` already make. Markdown is rendered here with the same
Python-Markdown extensions (:func:`ingestion.markup.markdown_extensions`: tables, fenced code,
sane lists, ordered-list numbers written into the items); HTML is read as it is (after
:func:`ingestion.markup.number_html_lists`). Then the HTML tree is walked:

* ``<h1>`` ... ``<h6>`` are TITLE blocks; a heading's section path is the path of the nearest
  heading above it of a higher level, plus its own text (a ``##`` under a ``#``);
* ``<li>`` items are LIST_ITEM blocks (an item's nested list gives items of its own);
* ``<table>`` is one TABLE block of ``cell | cell`` lines;
* paragraphs, code blocks and other block nodes are TEXT blocks under the last heading;
  ``div``/``section``/``blockquote``-like containers are walked into; ``<head>``, scripts and
  styles are skipped.

Checked against unstructured on every Markdown and HTML file of ``sample_docs``: identical
blocks and chunks (``bench/parse_snapshot.py --compare``).
Whitespace is collapsed and inline markup (bold, links, code) reduced to its text, as
unstructured did.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from core.models import Block, BlockKind
from ingestion.markup import markdown_extensions, table_html_to_text

_HEADINGS = {f"h{level}": level for level in range(1, 7)}
_LISTS = frozenset({"ul", "ol"})
_CONTAINERS = frozenset(
    {"div", "blockquote", "body", "html", "section", "article", "main", "header", "footer", "nav"}
)
_SKIPPED = frozenset({"head", "script", "style", "noscript", "template"})


def _text(node: Any) -> str:
    """The node's text with whitespace collapsed."""
    return " ".join(node.text_content().split())


def _item_text(li: Any) -> str:
    """A list item's own text: everything but its nested lists."""
    parts = [li.text or ""]
    for child in li:
        if child.tag not in _LISTS:
            parts.append(child.text_content())
        parts.append(child.tail or "")
    return " ".join("".join(parts).split())


def _items(list_node: Any) -> Iterator[tuple[str, Any]]:
    """Each ``<li>`` of a list, then the items of the lists nested in it."""
    for li in list_node.findall("li"):
        yield "item", li
        for nested in li:
            if nested.tag in _LISTS:
                yield from _items(nested)


def _walk(node: Any) -> Iterator[tuple[str, Any]]:
    """``(kind, node)`` of the block-level nodes under ``node``, in document order."""
    for child in node:
        tag = child.tag if isinstance(child.tag, str) else ""
        if tag in _HEADINGS:
            yield "heading", child
        elif tag in _LISTS:
            yield from _items(child)
        elif tag == "table":
            yield "table", child
        elif tag in _CONTAINERS:
            yield from _walk(child)
        elif tag and tag not in _SKIPPED:
            yield "text", child


def markdown_blocks(body: str) -> list[Block]:
    """Blocks of a Markdown ``body`` (front matter already split off)."""
    from markdown import markdown

    return html_blocks(markdown(body, extensions=markdown_extensions()))


def html_blocks(html: str) -> list[Block]:
    """Blocks of an HTML document or fragment (``<head>``, scripts and styles skipped)."""
    import lxml.html

    if not html.strip():
        return []
    root = lxml.html.document_fromstring(html)
    body = root.find("body")
    return _blocks(body if body is not None else root)


def _blocks(root: Any) -> list[Block]:
    """Blocks of the block-level nodes under ``root``, with section paths from headings."""
    import lxml.html

    blocks: list[Block] = []
    stack: list[tuple[int, str]] = []  # (level, text) of the open headings
    for kind, node in _walk(root):
        if kind == "heading":
            text = _text(node)
            if not text:
                continue
            level = _HEADINGS[node.tag]
            stack = [(lvl, t) for lvl, t in stack if lvl < level] + [(level, text)]
            path = tuple(t for _, t in stack)
            blocks.append(Block(kind=BlockKind.TITLE, text=text, section_path=path))
            continue
        path = tuple(t for _, t in stack)
        if kind == "table":
            text = table_html_to_text(lxml.html.tostring(node, encoding="unicode"))
            block_kind = BlockKind.TABLE
        elif kind == "item":
            text, block_kind = _item_text(node), BlockKind.LIST_ITEM
        else:
            text, block_kind = _text(node), BlockKind.TEXT
        if text:
            blocks.append(Block(kind=block_kind, text=text, section_path=path))
    return blocks
