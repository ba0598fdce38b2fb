"""Parse one plant document (SOP, manual, incident, work-order export) into typed blocks.

``parse_file`` picks a parser by extension: :mod:`ingestion.markdown_reader` for Markdown and
HTML (their structure is explicit: no NLP guess needed), :mod:`ingestion.pdf` for PDFs (text
layer, page by page), :mod:`ingestion.plaintext` for plain text (.txt and text/plain mail:
unstructured's ``partition_text`` glues headings and list items into one paragraph),
:mod:`ingestion.tabular` for CSV/XLSX exports, and unstructured's partitioners only for DOCX
(``partition_docx``) and HTML mail (``partition_email``).

Guarantees:

* Offline: the unstructured telemetry opt-outs are set (:func:`core.settings.apply_offline_env`)
  and spaCy is loaded from a package (:mod:`ingestion.spacy_model`) before a partitioner runs;
  e-mail attachments are not partitioned (an attachment could route to OCR models).
* Text files in legacy encodings (cp1252, Latin-1, UTF-16 with BOM) are decoded, not rejected.
* Every failure is a :class:`~core.errors.ParseError` with a one-line reason; no library
  exception escapes.
"""

from __future__ import annotations

import email
import email.policy
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from core.errors import ParseError
from core.models import Block
from core.settings import apply_offline_env
from ingestion import tabular
from ingestion.elements import elements_to_blocks, first_title
from ingestion.encoding import decode_text
from ingestion.markdown_reader import html_blocks, markdown_blocks
from ingestion.markup import number_html_lists, split_front_matter
from ingestion.pdf import pdf_blocks
from ingestion.plaintext import plain_text_blocks
from ingestion.reasons import human_size, one_line
from ingestion.spacy_model import prepare_unstructured

SUPPORTED_EXTENSIONS: frozenset[str] = frozenset(
    {".md", ".markdown", ".txt", ".html", ".htm", ".pdf", ".docx", ".csv", ".xlsx", ".eml"}
)

_LABELS = {".pdf": "PDF", ".docx": "DOCX file", ".xlsx": "XLSX workbook", ".eml": "e-mail"}


class ParsedDocument(BaseModel):
    """What a parser returns: blocks in document order plus document-level hints."""

    blocks: list[Block]
    front_matter: dict[str, Any] = Field(default_factory=dict)
    title_hint: str | None = None


def _read_text(path: Path) -> str:
    """Decode a text file; whitespace-only content is an empty file."""
    text = decode_text(path.read_bytes())
    if not text.strip():
        raise ParseError("empty file (only whitespace)")
    return text


def _parse_markdown(path: Path) -> ParsedDocument:
    """Markdown: YAML front matter split off, read by :mod:`ingestion.markdown_reader`."""
    front_matter, body = split_front_matter(_read_text(path))
    if not body.strip():
        raise ParseError("no text after the YAML front matter")
    blocks = markdown_blocks(body)
    return ParsedDocument(blocks=blocks, front_matter=front_matter, title_hint=first_title(blocks))


def _parse_text(path: Path) -> ParsedDocument:
    """Plain text, decoded from any of the supported encodings: headings, list items and
    paragraphs read by :mod:`ingestion.plaintext`."""
    blocks = plain_text_blocks(_read_text(path))
    return ParsedDocument(blocks=blocks, title_hint=first_title(blocks))


def _parse_html(path: Path) -> ParsedDocument:
    """HTML: decoded, ordered-list numbers written into the items, then partitioned."""
    blocks = html_blocks(number_html_lists(_read_text(path)))
    return ParsedDocument(blocks=blocks, title_hint=first_title(blocks))


def _parse_pdf(path: Path) -> ParsedDocument:
    """PDF with a text layer, read page by page (:mod:`ingestion.pdf`); blocks keep their page
    number. Only each page's elements are held, never the whole document's."""
    apply_offline_env()
    blocks = list(pdf_blocks(path))
    return ParsedDocument(blocks=blocks, title_hint=first_title(blocks))


def _parse_docx(path: Path) -> ParsedDocument:
    """Word document: headings, paragraphs, numbered lists, tables."""
    from unstructured.partition.docx import partition_docx

    blocks = elements_to_blocks(partition_docx(filename=str(path)))
    return ParsedDocument(blocks=blocks, title_hint=first_title(blocks))


def _parse_email(path: Path) -> ParsedDocument:
    """E-mail body (HTML part preferred); the subject is the title hint; attachments skipped.

    A plain-text-only mail (a typed shift handover) is read like a .txt file, so that each
    handover item is a block of its own under its heading."""
    message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    body = message.get_body(preferencelist=("html", "plain"))
    if body is not None and body.get_content_type() == "text/plain":
        subject = " ".join(str(message.get("subject", "")).split()) or None
        blocks = plain_text_blocks(body.get_content())
        if not blocks:
            raise ParseError("e-mail has no text in its body")
        return ParsedDocument(blocks=blocks, title_hint=subject or first_title(blocks))
    prepare_unstructured()
    from unstructured.partition.email import partition_email

    elements = partition_email(filename=str(path), process_attachments=False)
    subjects = (getattr(el.metadata, "subject", None) for el in elements)
    subject = next((" ".join(s.split()) for s in subjects if s and s.strip()), None)
    blocks = elements_to_blocks(elements)
    return ParsedDocument(blocks=blocks, title_hint=subject or first_title(blocks))


def _parse_csv(path: Path) -> ParsedDocument:
    """CSV export: one RECORD block per row."""
    return ParsedDocument(blocks=tabular.parse_csv(path))


def _parse_xlsx(path: Path) -> ParsedDocument:
    """XLSX export: one RECORD block per row of every sheet."""
    return ParsedDocument(blocks=tabular.parse_xlsx(path))


_PARSERS: dict[str, Callable[[Path], ParsedDocument]] = {
    ".md": _parse_markdown,
    ".markdown": _parse_markdown,
    ".txt": _parse_text,
    ".html": _parse_html,
    ".htm": _parse_html,
    ".pdf": _parse_pdf,
    ".docx": _parse_docx,
    ".eml": _parse_email,
    ".csv": _parse_csv,
    ".xlsx": _parse_xlsx,
}
# Only DOCX (and an HTML mail, which prepares it in ``_parse_email``) goes through an
# unstructured partitioner. Plain text is read by ``plaintext``, Markdown and HTML by
# ``markdown_reader``, PDFs by ``pdf_reader`` (pdfminer and unstructured's light modules):
# those never pay the partitioners' imports and the spaCy load (about 5 s per worker).
_NEEDS_UNSTRUCTURED = frozenset({".docx"})


def check_file(path: Path, max_bytes: int) -> str:
    """Validate type and size before parsing; return the lower-case extension."""
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_EXTENSIONS:
        raise ParseError(f"unsupported file type {suffix or '(no extension)'}")
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise ParseError(f"cannot read file: {exc.strerror or one_line(exc)}") from None
    if size == 0:
        raise ParseError("empty file")
    if size > max_bytes:
        raise ParseError(f"file is {human_size(size)}, over the {human_size(max_bytes)} limit")
    return suffix


def parse_file(path: Path, max_bytes: int) -> ParsedDocument:
    """Parse ``path`` into blocks; raise :class:`ParseError` (one line) on any failure."""
    suffix = check_file(path, max_bytes)
    try:
        if suffix in _NEEDS_UNSTRUCTURED:
            prepare_unstructured()
        document = _PARSERS[suffix](path)
    except ParseError:
        raise
    except Exception as exc:
        label = _LABELS.get(suffix, f"{suffix.lstrip('.')} file")
        raise ParseError(f"not a readable {label}: {one_line(exc)}") from None
    if not any(block.text.strip() for block in document.blocks):
        raise ParseError("no text found in the file")
    return document
