"""Turn parsed blocks into retrievable chunks that stand alone and cite exactly.

Rules (sizes from :class:`core.settings.ChunkingSettings`, in characters of the whole chunk text):

* Blocks are grouped by section: consecutive blocks with the same ``section_path`` and the same
  ``page``. A chunk never spans two sections or two PDF pages, so a citation's page is exact.
* Context header: every chunk's ``text`` starts with one line naming the document and section,
  e.g. ``Clearing a bottle jam on FILLER-2 — Procedure`` (the first path element is left out
  when it repeats the title). Decision: the header IS part of ``text``, so it is embedded and
  BM25-indexed; a chunk like "3. Remove the jammed bottles." is otherwise unfindable by a
  question naming the machine. The rest of ``text`` is the *body*.
* TITLE blocks add no body text (their text is in the header), except a leaf heading with no
  body at all, which is kept as text so that nothing is lost. Text blocks are packed up to
  ``new_after_n_chars`` (soft: no new block is added once reached) and ``max_characters``
  (hard); a text block longer than the hard limit is split at sentence ends.
* A run of list items (a procedure) is one unit, kept together in order when it fits, and a short
  lead-in just before it ("Steps:", a WARNING line) stays with it. Longer runs split between
  items, never inside one.
* A trailing piece shorter than ``combine_under_n_chars`` joins the previous piece of the same
  section and page when the result still fits.
* TABLE blocks are one chunk each, kept whole even above ``max_characters``, under the header.
  RECORD blocks (CSV/XLSX rows) are one chunk each, with their ``row``.
* With ``outline_sections`` on (the default), a document without headings first gets section
  paths from its numbered outline (:mod:`ingestion.outline`; ``outline_v2.md``).
* ``chunk_id`` is the first 24 hex digits of sha256(version_key, ordinal, text): the same input
  always gives the same chunks and ids. ``safety_notices`` are detected in the body.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import groupby

from core.chunk_text import chunk_header
from core.models import Block, BlockKind, Chunk, DocumentMeta
from core.settings import ChunkingSettings
from ingestion.outline import outline_sections
from ingestion.safety import detect_safety_notices

_WHOLE_KINDS = frozenset({BlockKind.TABLE, BlockKind.RECORD})
_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+")
_NUMBERED = re.compile(r"^\s*(?:\d+[.)]|[a-z][.)]|[-*•])\s")


@dataclass(frozen=True)
class _Piece:
    """The body of one future chunk and where it comes from."""

    kind: BlockKind
    body: str
    section_path: tuple[str, ...]
    page: int | None
    row: int | None = None


def chunk_id(version_key: str, ordinal: int, text: str) -> str:
    """Deterministic id: sha256 of version key, ordinal and text, 24 hex digits."""
    payload = f"{version_key}\x1f{ordinal}\x1f{text}".encode()
    return hashlib.sha256(payload).hexdigest()[:24]


def split_long_text(text: str, limit: int) -> list[str]:
    """Split ``text`` into pieces of at most ``limit`` characters at sentence ends.

    A single sentence longer than ``limit`` is cut at the last space before the limit.
    """
    sentences: list[str] = []
    for sentence in _SENTENCE_END.split(text):
        while len(sentence) > limit:
            cut = sentence.rfind(" ", 0, limit + 1)
            cut = cut if cut > 0 else limit
            sentences.append(sentence[:cut])
            sentence = sentence[cut:].lstrip()
        if sentence:
            sentences.append(sentence)
    return _pack(sentences, limit, limit, sep=" ")


def _pack(units: Sequence[str], soft: int, hard: int, sep: str = "\n") -> list[str]:
    """Greedy packing: add units while under ``soft`` and the result stays within ``hard``."""
    pieces: list[str] = []
    current = ""
    for unit in units:
        if current and (len(current) >= soft or len(current) + len(sep) + len(unit) > hard):
            pieces.append(current)
            current = ""
        current = f"{current}{sep}{unit}" if current else unit
    if current:
        pieces.append(current)
    return pieces


def _list_line(text: str) -> str:
    """A list item as a line: numbered items keep their number, others get ``- ``."""
    return text if _NUMBERED.match(text) else f"- {text}"


def _text_units(blocks: Sequence[Block], budget: int, lead_in: int) -> list[str]:
    """Body units of a run of text and list blocks (lists glued, long text split)."""
    units: list[str] = []
    for is_list, run in groupby(blocks, key=lambda b: b.kind is BlockKind.LIST_ITEM):
        if not is_list:
            for block in run:
                units.extend(split_long_text(block.text, budget))
            continue
        lines = [line for b in run for line in split_long_text(_list_line(b.text), budget)]
        whole = "\n".join(lines)
        if len(whole) > budget:
            units.extend(_pack(lines, budget, budget))
            continue
        if units and len(units[-1]) < lead_in and len(units[-1]) + 1 + len(whole) <= budget:
            whole = f"{units.pop()}\n{whole}"
        units.append(whole)
    return units


def _merge_tiny_tail(pieces: list[str], tiny: int, hard: int) -> list[str]:
    """Join a last piece under ``tiny`` characters to the previous one if it fits."""
    if len(pieces) < 2 or len(pieces[-1]) >= tiny:
        return pieces
    if len(pieces[-2]) + 1 + len(pieces[-1]) <= hard:
        return [*pieces[:-2], f"{pieces[-2]}\n{pieces[-1]}"]
    return pieces


def _budgets(header: str, settings: ChunkingSettings) -> tuple[int, int]:
    """(soft, hard) body sizes once the header line and its newline are counted."""
    used = len(header) + 1
    hard = max(settings.max_characters - used, settings.max_characters // 4, 1)
    soft = min(max(settings.new_after_n_chars - used, settings.new_after_n_chars // 4, 1), hard)
    return soft, hard


def _section_pieces(
    blocks: Sequence[Block], header: str, settings: ChunkingSettings
) -> Iterator[_Piece]:
    """Pieces of one section/page group, in document order."""
    path, page = blocks[0].section_path, blocks[0].page
    soft, hard = _budgets(header, settings)
    content = [b for b in blocks if b.kind is not BlockKind.TITLE]
    for whole, run in groupby(content, key=lambda b: b.kind in _WHOLE_KINDS):
        if whole:
            for block in run:
                yield _Piece(block.kind, block.text, path, page, block.row)
            continue
        units = _text_units(list(run), hard, settings.combine_under_n_chars)
        packed = _merge_tiny_tail(_pack(units, soft, hard), settings.combine_under_n_chars, hard)
        for body in packed:
            yield _Piece(BlockKind.TEXT, body, path, page)


def _pieces(blocks: Sequence[Block], title: str, settings: ChunkingSettings) -> Iterator[_Piece]:
    """All pieces of a document: blocks grouped by (section path, page).

    A heading with no body and no sub-section (a closing line the partitioner took for a title)
    is kept as text: dropping it would silently lose content.
    """
    groups = [
        list(group) for _key, group in groupby(blocks, key=lambda b: (b.section_path, b.page))
    ]
    for index, group in enumerate(groups):
        if all(b.kind is BlockKind.TITLE for b in group):
            path = group[0].section_path
            following = groups[index + 1][0].section_path if index + 1 < len(groups) else ()
            if following[: len(path)] != path:
                body = "\n".join(b.text for b in group)
                yield _Piece(BlockKind.TEXT, body, path, group[0].page)
            continue
        yield from _section_pieces(group, chunk_header(title, group[0].section_path), settings)


def chunk_document(
    blocks: list[Block], meta: DocumentMeta, settings: ChunkingSettings
) -> list[Chunk]:
    """Chunk the parsed ``blocks`` of the document described by ``meta`` (deterministic)."""
    chunks: list[Chunk] = []
    if settings.outline_sections:
        blocks = outline_sections(blocks)
    for ordinal, piece in enumerate(_pieces(blocks, meta.title, settings)):
        header = chunk_header(meta.title, piece.section_path)
        text = f"{header}\n{piece.body}" if header else piece.body
        chunks.append(
            Chunk(
                chunk_id=chunk_id(meta.version_key, ordinal, text),
                version_key=meta.version_key,
                doc_id=meta.doc_id,
                ordinal=ordinal,
                text=text,
                title=meta.title,
                site=meta.site,
                doc_type=meta.doc_type,
                revision=meta.revision,
                effective_date=meta.effective_date,
                audience=meta.audience,
                section_path=piece.section_path,
                page=piece.page,
                row=piece.row,
                kind=piece.kind,
                assets=meta.assets,
                safety_notices=detect_safety_notices(piece.body),
                source_path=meta.source_path,
            )
        )
    return chunks
