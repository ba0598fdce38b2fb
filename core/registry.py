"""The document registry: the SQL side of the index, and the source of truth for what is served.

The vector index may briefly hold chunks of two versions of a document (a crash, or a switch in
progress); readers keep only chunks whose ``version_key`` is the registry's current one. The switch
from one version to the next is a single SQL transaction, so every document is served in exactly
one version at any moment.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import NamedTuple

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from core.assets import AssetLink, tag_key
from core.db.tables import (
    AssetLinkRow,
    AssetSpellingRow,
    DocumentRow,
    IndexGenerationRow,
    IngestionRunRow,
    SiteRow,
    utcnow,
)
from core.errors import NotFoundError, UnknownSiteError
from core.models import COMPANY_WIDE, DocumentMeta, DocumentStatus, validate_site_id

DELETED_STATES = (DocumentStatus.REPLACED.value, DocumentStatus.REMOVED.value)


def ensure_site(session: Session, site: str) -> bool:
    """Create the site when it is new; return True when it was created."""
    site_id = validate_site_id(site)
    if session.get(SiteRow, site_id) is not None:
        return False
    session.add(SiteRow(id=site_id, name="Company-wide" if site_id == COMPANY_WIDE else site_id))
    session.flush()
    return True


def site_ids(session: Session) -> list[str]:
    """All registered site ids, sorted."""
    return sorted(session.scalars(select(SiteRow.id)))


def require_site(session: Session, site: str) -> str:
    """Return the normalised site id or raise UnknownSiteError naming the known ones."""
    site_id = validate_site_id(site)
    if session.get(SiteRow, site_id) is None:
        known = ", ".join(site_ids(session)) or "none yet"
        raise UnknownSiteError(f"unknown site {site_id!r} (known: {known})")
    return site_id


def current_row(session: Session, doc_id: str) -> DocumentRow | None:
    """The served revision of ``doc_id``, if any."""
    return session.scalars(
        select(DocumentRow).where(
            DocumentRow.doc_id == doc_id, DocumentRow.status == DocumentStatus.CURRENT.value
        )
    ).first()


def row_by_version(session: Session, key: str) -> DocumentRow | None:
    """The registry row of one exact version."""
    return session.scalars(select(DocumentRow).where(DocumentRow.version_key == key)).first()


class ServedVersion(NamedTuple):
    """What planning needs of a current or superseded registry row."""

    doc_id: str
    revision: str
    content_hash: str
    status: str
    effective_date: date | None


def kept_versions(session: Session, doc_ids: Sequence[str]) -> dict[str, list[ServedVersion]]:
    """Current and superseded rows of these doc_ids, in a few queries (not one per document:
    a no-op run over 10,000 files spent most of its time in per-document lookups)."""
    found: dict[str, list[ServedVersion]] = {}
    statuses = [DocumentStatus.CURRENT.value, DocumentStatus.SUPERSEDED.value]
    unique = sorted(set(doc_ids))
    for start in range(0, len(unique), 500):
        rows = session.execute(
            select(
                DocumentRow.doc_id,
                DocumentRow.revision,
                DocumentRow.content_hash,
                DocumentRow.status,
                DocumentRow.effective_date,
            ).where(
                DocumentRow.doc_id.in_(unique[start : start + 500]),
                DocumentRow.status.in_(statuses),
            )
        )
        for row in rows:
            found.setdefault(row.doc_id, []).append(ServedVersion(*row))
    return found


def rows_for(session: Session, doc_id: str) -> list[DocumentRow]:
    """Every registry row of a doc_id, oldest first."""
    return list(
        session.scalars(
            select(DocumentRow).where(DocumentRow.doc_id == doc_id).order_by(DocumentRow.id)
        )
    )


def document_row(meta: DocumentMeta, status: DocumentStatus, chunk_count: int) -> DocumentRow:
    """The registry row of one document version in ``status`` (not added to a session)."""
    return DocumentRow(
        doc_id=meta.doc_id,
        revision=meta.revision,
        version_key=meta.version_key,
        title=meta.title,
        site_id=meta.site,
        doc_type=meta.doc_type.value,
        audience=",".join(sorted(r.value for r in meta.audience)),
        assets=list(meta.assets),
        effective_date=meta.effective_date,
        status=status.value,
        content_hash=meta.content_hash,
        source_path=meta.source_path,
        chunk_count=chunk_count,
    )


def insert_staged(session: Session, meta: DocumentMeta, chunk_count: int) -> DocumentRow:
    """Register a version whose chunks are about to be written (never served while staged)."""
    row = document_row(meta, DocumentStatus.STAGED, chunk_count)
    session.add(row)
    session.flush()
    return row


def insert_asset_links(
    session: Session, document_id: int, site: str, links: Iterable[AssetLink]
) -> None:
    """Store the asset links of one version (in its staging transaction: they go together)."""
    links = list(links)
    known = set(
        session.scalars(select(AssetSpellingRow.tag).where(AssetSpellingRow.site_id == site))
    )
    session.add_all(
        AssetSpellingRow(site_id=site, tag=tag)
        for tag in sorted({link.tag for link in links} - known)
    )
    session.add_all(
        AssetLinkRow(
            document_id=document_id,
            site_id=site,
            tag_key=tag_key(link.tag),
            **link.model_dump(mode="python"),
        )
        for link in links
    )


def unlinked_doc_ids(session: Session, doc_ids: set[str]) -> set[str]:
    """Of ``doc_ids``, those whose served version has no asset links built yet."""
    if not doc_ids:
        return set()
    query = select(DocumentRow.doc_id).where(
        DocumentRow.status == DocumentStatus.CURRENT.value,
        DocumentRow.assets_linked.is_(False),
    )
    return set(session.scalars(query)) & doc_ids


def switch_current(session: Session, new: DocumentRow, old: DocumentRow | None) -> None:
    """Make ``new`` the served version; the old one becomes superseded or replaced.

    Same revision with new content means the old content is replaced (its chunks go);
    an older revision is superseded (kept for audit, never served by default).
    """
    if old is not None and old.id != new.id:
        same_revision = old.revision == new.revision
        old.status = (DocumentStatus.REPLACED if same_revision else DocumentStatus.SUPERSEDED).value
        session.flush()  # the partial unique index needs the old row out of 'current' first
    new.status = DocumentStatus.CURRENT.value
    new.indexed_at = utcnow()
    new.last_error = None
    session.flush()


def served_versions(session: Session, doc_ids: Iterable[str]) -> dict[str, str]:
    """Map each given doc_id to the version_key currently served."""
    ids = sorted(set(doc_ids))
    if not ids:
        return {}
    result: dict[str, str] = {}
    for start in range(0, len(ids), 900):
        rows = session.execute(
            select(DocumentRow.doc_id, DocumentRow.version_key).where(
                DocumentRow.doc_id.in_(ids[start : start + 900]),
                DocumentRow.status == DocumentStatus.CURRENT.value,
            )
        )
        result.update({doc_id: key for doc_id, key in rows})
    return result


def version_statuses(session: Session, keys: Iterable[str]) -> dict[str, str]:
    """Map each given version_key to its registry status (unknown keys are left out)."""
    wanted = sorted(set(keys))
    result: dict[str, str] = {}
    for start in range(0, len(wanted), 900):
        rows = session.execute(
            select(DocumentRow.version_key, DocumentRow.status).where(
                DocumentRow.version_key.in_(wanted[start : start + 900])
            )
        )
        result.update({key: status for key, status in rows})
    return result


_GENERATION_ROW = 1


def index_generation(session: Session) -> int:
    """The current index generation (0 before anything was ever switched)."""
    value = session.scalar(
        select(IndexGenerationRow.generation).where(IndexGenerationRow.id == _GENERATION_ROW)
    )
    return int(value or 0)


def bump_generation(session: Session) -> int:
    """Advance the index generation after the served content changed; returns the new value.

    Called by the ingestion writer in the transactions that switch, remove or clean up versions,
    so derived indexes (BM25) know to rebuild. The increment is done in SQL, so two writers
    never lose a bump.
    """
    result = session.execute(
        update(IndexGenerationRow)
        .where(IndexGenerationRow.id == _GENERATION_ROW)
        .values(generation=IndexGenerationRow.generation + 1, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if getattr(result, "rowcount", 0) == 0:
        session.add(IndexGenerationRow(id=_GENERATION_ROW, generation=1))
    session.flush()
    return index_generation(session)


def list_rows(
    session: Session,
    site: str | None = None,
    statuses: Sequence[str] | None = None,
) -> list[DocumentRow]:
    """Registry rows, optionally for one site and some statuses, ordered by doc_id."""
    query = select(DocumentRow)
    if site is not None:
        query = query.where(DocumentRow.site_id == site)
    if statuses is not None:
        query = query.where(DocumentRow.status.in_(list(statuses)))
    return list(session.scalars(query.order_by(DocumentRow.doc_id, DocumentRow.id)))


def require_current(session: Session, doc_id: str) -> DocumentRow:
    """The served revision of ``doc_id`` or NotFoundError."""
    row = current_row(session, doc_id)
    if row is None:
        raise NotFoundError(f"no current document with doc_id {doc_id!r}")
    return row


def status_counts(session: Session, site: str | None = None) -> dict[str, dict[str, int]]:
    """Per-site counts of documents by status and chunks served."""
    query = select(
        DocumentRow.site_id, DocumentRow.status, func.count(), func.sum(DocumentRow.chunk_count)
    )
    if site is not None:
        query = query.where(DocumentRow.site_id == site)
    out: dict[str, dict[str, int]] = {}
    for site_id, status, count, chunks in session.execute(
        query.group_by(DocumentRow.site_id, DocumentRow.status)
    ):
        entry = out.setdefault(site_id, {})
        entry[status] = int(count)
        if status == DocumentStatus.CURRENT.value:
            entry["chunks"] = int(chunks or 0)
    return out


def start_run(session: Session, kind: str, root: str = "", site: str | None = None) -> int:
    """Record the start of a run; earlier runs still marked running died and are marked crashed."""
    for stale in session.scalars(
        select(IngestionRunRow).where(IngestionRunRow.status == "running")
    ):
        stale.status = "crashed"
    run = IngestionRunRow(kind=kind, root=root, site_id=site, status="running")
    session.add(run)
    session.flush()
    return run.id


def finish_run(
    session: Session, run_id: int, counts: dict[str, object], failures: list[dict[str, str]]
) -> None:
    """Record the outcome of a run."""
    run = session.get(IngestionRunRow, run_id)
    if run is None:
        return
    run.status = "failed" if failures else "completed"
    run.finished_at = utcnow()
    run.counts = counts
    run.failures = failures


def last_run(session: Session, site: str | None = None) -> IngestionRunRow | None:
    """The most recent run (for one site when given, else any)."""
    query = select(IngestionRunRow).order_by(IngestionRunRow.id.desc())
    if site is not None:
        query = query.where((IngestionRunRow.site_id == site) | (IngestionRunRow.site_id.is_(None)))
    return session.scalars(query).first()


def as_of(value: datetime | None) -> str | None:
    """ISO text of a timestamp for JSON output."""
    return value.isoformat() if value else None
