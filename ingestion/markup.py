"""Markup helpers around unstructured: YAML front matter, ordered-list numbers, table text.

* Front matter: Markdown files may start with a ``---`` YAML block (metadata for ingestion). It is
  split off before partitioning so it never becomes document text.
* Ordered lists: unstructured turns ``<li>`` items into ``ListItem`` elements but drops the
  numbers of ``<ol>`` lists (``1. Stop the line.`` becomes ``Stop the line.``). Procedure steps
  are cited by number, so we write the numbers into the item text before partitioning: with a
  Python-Markdown tree processor for Markdown, with lxml for HTML.
* Tables: ``text_as_html`` is rendered as one ``cell | cell`` line per row, which embeds and
  reads far better than HTML tags or unstructured's space-joined table text.
"""

from __future__ import annotations

import re
from typing import Any

import yaml
from markdown import Markdown
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

from core.errors import ParseError
from ingestion.reasons import one_line

_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?\n)?(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.DOTALL)
_XML_DECLARATION = re.compile(r"\A\s*<\?xml[^>]*\?>")


def split_front_matter(text: str) -> tuple[dict[str, Any], str]:
    """Return ``(front_matter, body)``; ``({}, text)`` when there is no front matter block."""
    match = _FRONT_MATTER.match(text.lstrip("\ufeff"))
    if match is None:
        return {}, text
    try:
        data = yaml.safe_load(match.group(1) or "")
    except yaml.YAMLError as exc:
        raise ParseError(f"invalid YAML front matter: {one_line(exc)}") from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ParseError("invalid YAML front matter: not a mapping of keys to values")
    return {str(key): value for key, value in data.items()}, text.lstrip("\ufeff")[match.end() :]


def number_ordered_lists(root: Any) -> None:
    """Prefix every ``<li>`` of every ``<ol>`` under ``root`` with its number (``3. ``).

    Works on both ``xml.etree`` (Python-Markdown) and lxml trees. Honours ``<ol start="N">``.
    In loose lists the text sits in a ``<p>`` inside the ``<li>``; the number goes there.
    """
    for ol in root.iter("ol"):
        try:
            number = int(ol.get("start") or 1)
        except ValueError:
            number = 1
        for li in ol.findall("li"):
            target = li
            if not (li.text or "").strip() and len(li) and li[0].tag == "p":
                target = li[0]
            target.text = f"{number}. {(target.text or '').lstrip()}"
            number += 1


class _NumberListsProcessor(Treeprocessor):
    """Tree processor wrapper around :func:`number_ordered_lists`."""

    def run(self, root: Any) -> None:
        number_ordered_lists(root)


class NumberedListsExtension(Extension):
    """Python-Markdown extension that keeps ordered-list numbers in the item text."""

    def extendMarkdown(self, md: Markdown) -> None:
        md.treeprocessors.register(_NumberListsProcessor(md), "plant_copilot_numbers", 5)


def markdown_extensions() -> list[Any]:
    """Extensions for ``partition_md``: unstructured's defaults plus list numbering."""
    return ["tables", "fenced_code", NumberedListsExtension()]


def number_html_lists(html: str) -> str:
    """Return ``html`` with ordered-list numbers written into the item text."""
    import lxml.html

    cleaned = _XML_DECLARATION.sub("", html, count=1)
    if not cleaned.strip():
        return html
    document = lxml.html.document_fromstring(cleaned)
    number_ordered_lists(document)
    result: str = lxml.html.tostring(document, encoding="unicode")
    return result


def table_html_to_text(html: str) -> str:
    """Render an HTML table as lines of ``cell | cell``; empty string if it has no rows."""
    import lxml.html

    try:
        fragment = lxml.html.fragment_fromstring(html, create_parent="div")
    except Exception:
        return ""
    lines = []
    for tr in fragment.iter("tr"):
        cells = [" ".join(cell.text_content().split()) for cell in tr if cell.tag in ("td", "th")]
        if any(cells):
            lines.append(" | ".join(cells))
    return "\n".join(lines)
