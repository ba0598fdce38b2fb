"""Read and manage what the index holds: status per site, document listings, deletion.

Shared by the CLI and the admin page, so neither holds any of this logic.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import AfterValidator, BaseModel

from core.db.engine import Database
from core.db.locks import exclusive_lock
from core.db.tables import as_utc
from core.errors import NotFoundError
from core.models import DocumentStatus
from core.ports import VectorIndex
from core.registry import last_run, list_rows, require_site, rows_for, site_ids, status_counts
from ingestion.writer import remove_versions


class SiteStatus(BaseModel):
    """Index state of one site."""

    site: str
    documents_current: int = 0
    documents_superseded: int = 0
    chunks_current: int = 0


UtcTime = Annotated[datetime, AfterValidator(as_utc)]
"""A stored time as aware UTC whatever the database gave (see ``core.db.tables.as_utc``)."""


class RunInfo(BaseModel):
    """Summary of the latest ingestion run."""

    id: int
    kind: str
    status: str
    started_at: UtcTime
    finished_at: UtcTime | None
    counts: dict[str, object]
    failures: list[dict[str, str]]


class IndexStatus(BaseModel):
    """The whole index: sites, totals, and the last run."""

    sites: list[SiteStatus]
    chunks_in_index: int
    last_run: RunInfo | None


class DocumentInfo(BaseModel):
    """One registered document revision."""

    doc_id: str
    revision: str
    title: str
    site: str
    doc_type: str
    status: str
    effective_date: date | None
    audience: list[str]
    assets: list[str]
    chunk_count: int
    content_hash: str
    source_path: str
    indexed_at: UtcTime | None
    last_error: str | None


def index_status(db: Database, index: VectorIndex, site: str | None = None) -> IndexStatus:
    """Counts per site from the registry, chunk total from the index, and the last run."""
    with db.session() as session:
        if site is not None:
            site = require_site(session, site)
        counts = status_counts(session, site)
        run = last_run(session, site)
        run_info = RunInfo.model_validate(run, from_attributes=True) if run else None
        sites = [site] if site else site_ids(session)
    out = []
    for site_id in sites:
        entry = counts.get(site_id, {})
        out.append(
            SiteStatus(
                site=site_id,
                documents_current=entry.get(DocumentStatus.CURRENT.value, 0),
                documents_superseded=entry.get(DocumentStatus.SUPERSEDED.value, 0),
                chunks_current=entry.get("chunks", 0),
            )
        )
    return IndexStatus(sites=out, chunks_in_index=index.count(), last_run=run_info)


def _info(row: object) -> DocumentInfo:
    data = {k: getattr(row, k) for k in DocumentInfo.model_fields if hasattr(row, k)}
    data["site"] = row.site_id  # type: ignore[attr-defined]
    data["audience"] = str(row.audience).split(",")  # type: ignore[attr-defined]
    return DocumentInfo(**data)


def list_documents(
    db: Database, site: str | None = None, include_superseded: bool = False
) -> list[DocumentInfo]:
    """Served documents (and superseded revisions when asked), ordered by doc_id."""
    statuses = [DocumentStatus.CURRENT.value]
    if include_superseded:
        statuses.append(DocumentStatus.SUPERSEDED.value)
    with db.session() as session:
        if site is not None:
            site = require_site(session, site)
        return [_info(r) for r in list_rows(session, site=site, statuses=statuses)]


def show_document(db: Database, doc_id: str) -> list[DocumentInfo]:
    """Every registered revision of a doc_id, oldest first (audit view)."""
    with db.session() as session:
        rows = rows_for(session, doc_id)
        if not rows:
            raise NotFoundError(f"no document with doc_id {doc_id!r}")
        return [_info(r) for r in rows]


def delete_document(
    db: Database, index: VectorIndex, doc_id: str, lock_wait_s: float = 3600.0
) -> int:
    """Remove every revision of a document from serving and its chunks from the index.

    Holds the ingestion lock (no ingest or reindex run writes meanwhile, core/db/locks.py).
    """
    with exclusive_lock(db, "ingestion", lock_wait_s):
        return _delete_document(db, index, doc_id)


def _delete_document(db: Database, index: VectorIndex, doc_id: str) -> int:
    with db.session() as session:
        ids = [
            r.id
            for r in rows_for(session, doc_id)
            if r.status in (DocumentStatus.CURRENT.value, DocumentStatus.SUPERSEDED.value)
        ]
    if not ids:
        raise NotFoundError(f"no indexed document with doc_id {doc_id!r}")
    return remove_versions(db, index, ids)
