"""Links from one parsed document to the assets it is about, built at ingest.

* Every asset in the document's metadata gets a DOCUMENT link (SOPs, incidents, manuals).
* A manual also gets one SECTION link per top-level section, for each asset it names, so the
  asset view can list the manual's sections with the page and chunk to cite.
* A work-order export gets one ROW link per data row whose asset column names a tag, with the
  row's date, failure mode, symptom, action and status: the counts of the asset view and of
  history answers are computed from these rows.

Column names are matched loosely (``Asset``, ``asset_tag``, ``Equipment``...) because CMMS
exports differ; a row without an asset column value gets no link.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date

from core.assets import AssetLink, LinkKind
from core.models import Block, BlockKind, Chunk, DocType, DocumentMeta

_COLUMNS: dict[str, tuple[str, ...]] = {
    "tag": (
        "asset",
        "asset_tag",
        "asset_id",
        "equipment",
        "equipment_id",
        "tag",
        "functional_location",
    ),
    "date": ("date", "reported", "reported_date", "created", "date_reported", "start_date"),
    "failure_mode": ("failure_mode", "failure_code", "failure", "problem_code"),
    "summary": ("symptom", "description", "problem", "short_text", "summary"),
    "action": ("action", "corrective_action", "work_done", "resolution", "remedy"),
    "status": ("status", "wo_status", "state"),
    "record_id": ("wo_id", "wo", "work_order", "work_order_id", "order", "id"),
}
_ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
# The first "Date ... : 2025-03-14" or "| Date and time | 2025-03-14" of an incident record.
_EVENT_DATE = re.compile(
    r"\bdate(?:s| and time| detected|/time of event| of event)?\b\s*[|:\t]\s*(\d{4}-\d{2}-\d{2})",
    re.IGNORECASE,
)


def _norm(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")


def _field(fields: dict[str, str], role: str) -> str:
    by_norm = {_norm(k): v for k, v in fields.items()}
    for name in _COLUMNS[role]:
        value = by_norm.get(name, "").strip()
        if value:
            return value
    return ""


def _date(text: str) -> date | None:
    match = _ISO.search(text)
    if not match:
        return None
    try:
        return date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None


def _row_links(blocks: Sequence[Block], chunks: Sequence[Chunk]) -> list[AssetLink]:
    chunk_of_row = {c.row: c.chunk_id for c in chunks if c.row is not None}
    links: list[AssetLink] = []
    for block in blocks:
        if block.kind is not BlockKind.RECORD:
            continue
        tag = _field(block.record_fields, "tag")
        if not tag:
            continue
        links.append(
            AssetLink(
                tag=tag.upper(),
                kind=LinkKind.ROW,
                chunk_id=chunk_of_row.get(block.row) if block.row is not None else None,
                section=" > ".join(block.section_path),
                row=block.row,
                record_id=_field(block.record_fields, "record_id"),
                event_date=_date(_field(block.record_fields, "date")),
                failure_mode=_field(block.record_fields, "failure_mode").upper(),
                summary=_field(block.record_fields, "summary"),
                action=_field(block.record_fields, "action"),
                status=_field(block.record_fields, "status").upper(),
            )
        )
    return links


def _event_date(chunks: Sequence[Chunk]) -> date | None:
    head = "\n".join(c.text for c in chunks[:4])
    match = _EVENT_DATE.search(head)
    return _date(match[1]) if match else None


def _section_links(meta: DocumentMeta, chunks: Sequence[Chunk]) -> list[AssetLink]:
    """One link per (asset, top-level section) of a manual: its first page and chunk."""
    models = dict(meta.equipment_models)
    first: dict[str, Chunk] = {}
    for chunk in chunks:
        top = chunk.section_path[0] if chunk.section_path else ""
        if top and top not in first:
            first[top] = chunk
    return [
        AssetLink(
            tag=tag,
            kind=LinkKind.SECTION,
            chunk_id=chunk.chunk_id,
            section=top,
            page=chunk.page,
            equipment_model=models.get(tag, ""),
        )
        for tag in meta.assets
        for top, chunk in first.items()
    ]


def build_links(
    meta: DocumentMeta, blocks: Sequence[Block], chunks: Sequence[Chunk]
) -> list[AssetLink]:
    """Every asset link of one document version (see the module docstring)."""
    models = dict(meta.equipment_models)
    when = _event_date(chunks) if meta.doc_type is DocType.INCIDENT else None
    if meta.doc_type is DocType.WORK_ORDER:  # the rows are the records; no whole-file links
        return _row_links(blocks, chunks)
    links = [
        AssetLink(
            tag=tag,
            kind=LinkKind.DOCUMENT,
            chunk_id=chunks[0].chunk_id if chunks else None,
            event_date=when or meta.effective_date,
            summary=meta.title,
            equipment_model=models.get(tag, ""),
        )
        for tag in meta.assets
    ]
    if meta.doc_type is DocType.MANUAL:
        links.extend(_section_links(meta, chunks))
    return links
