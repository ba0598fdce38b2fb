"""The crash-safe write protocol between the registry (SQL) and the vector index.

For each new version of a document:
1. register it as ``staged`` (SQL commit): staged versions are never served;
2. write its chunks to the vector index;
3. in ONE SQL transaction make it ``current`` and the previous version ``superseded`` or
   ``replaced`` (flagged ``needs_cleanup``): this is the switch point;
4. bring the index in line (unflag or delete the old chunks) and clear ``needs_cleanup``.

Readers serve only chunks whose version is ``current`` in SQL, so a kill at any point leaves each
document served in exactly one version, and :func:`repair` finishes or undoes the rest next run.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.assets import AssetLink
from core.db.engine import Database
from core.db.tables import DocumentRow, utcnow
from core.models import Chunk, DocumentMeta, DocumentStatus
from core.ports import VectorIndex
from core.registry import (
    bump_generation,
    current_row,
    insert_asset_links,
    insert_staged,
    switch_current,
)
from ingestion.report import RepairCounts

_DELETED = {DocumentStatus.REPLACED.value, DocumentStatus.REMOVED.value}


class NewVersion(BaseModel):
    """A version ready to write: its metadata, chunks, their vectors and whether it is served."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    meta: DocumentMeta
    chunks: list[Chunk]
    vectors: np.ndarray
    become_current: bool
    links: list[AssetLink] = Field(default_factory=list)


class WriteOutcome(BaseModel):
    """What a batch write changed besides adding its own chunks."""

    superseded: int = 0
    deleted_chunks: int = 0
    replaced_existing: list[bool] = Field(default_factory=list)


def write_versions(
    db: Database, index: VectorIndex, versions: Sequence[NewVersion]
) -> WriteOutcome:
    """Write a batch of versions with the four-step protocol above.

    Batching makes one staging transaction, one index write per served flag and one switch
    transaction for the whole batch; the switch stays atomic for every document in it.
    Versions of one doc_id must come oldest first.
    """
    outcome = WriteOutcome()
    if not versions:
        return outcome
    with db.session() as session:
        row_ids = [insert_staged(session, v.meta, len(v.chunks)).id for v in versions]
        for version, row_id in zip(versions, row_ids, strict=True):  # links go with the version
            insert_asset_links(session, row_id, version.meta.site, version.links)
    for flag in (False, True):
        chosen = [v for v in versions if v.become_current is flag]
        if chosen:
            chunks = [c for v in chosen for c in v.chunks]
            index.add(chunks, np.concatenate([v.vectors for v in chosen]), current=flag)
    with db.session() as session:
        for version, row_id in zip(versions, row_ids, strict=True):
            new = session.get(DocumentRow, row_id)
            assert new is not None
            replaced, superseded = _switch(session, new, version.become_current)
            outcome.replaced_existing.append(replaced)
            outcome.superseded += superseded
        bump_generation(session)  # served content changed: derived indexes must rebuild
    outcome.deleted_chunks = cleanup(db, index)
    return outcome


def write_version(
    db: Database,
    index: VectorIndex,
    meta: DocumentMeta,
    chunks: Sequence[Chunk],
    vectors: np.ndarray,
    become_current: bool,
) -> WriteOutcome:
    """Write one version (see :func:`write_versions`)."""
    version = NewVersion(
        meta=meta, chunks=list(chunks), vectors=vectors, become_current=become_current
    )
    return write_versions(db, index, [version])


def _switch(session: Session, new: DocumentRow, become_current: bool) -> tuple[bool, int]:
    """Step 3 for one version; returns (an earlier version was served, versions superseded)."""
    superseded = 0
    old = current_row(session, new.doc_id) if become_current else None
    if become_current:
        switch_current(session, new, old)
        if old is not None:
            old.needs_cleanup = True
            superseded += int(old.status == DocumentStatus.SUPERSEDED.value)
    else:
        new.status = DocumentStatus.SUPERSEDED.value
        new.indexed_at = utcnow()
        superseded += 1
    for other in _same_revision_leftovers(session, new, old):
        other.status = DocumentStatus.REPLACED.value
        other.needs_cleanup = True
    session.flush()
    return old is not None, superseded


def _same_revision_leftovers(
    session: Session, new: DocumentRow, old: DocumentRow | None
) -> list[DocumentRow]:
    """Older content of the same revision that is not served any more (an edited old revision)."""
    skip = {new.id} | ({old.id} if old is not None else set())
    rows = session.scalars(
        select(DocumentRow).where(
            DocumentRow.doc_id == new.doc_id,
            DocumentRow.revision == new.revision,
            DocumentRow.status == DocumentStatus.SUPERSEDED.value,
        )
    )
    return [r for r in rows if r.id not in skip]


IndexSource = VectorIndex | Callable[[], VectorIndex]
"""An index, or a function that opens it only when there is work for it."""


def _open(index: IndexSource) -> VectorIndex:
    return index() if callable(index) else index


def cleanup(db: Database, source: IndexSource) -> int:
    """Bring the index in line with every row flagged ``needs_cleanup``; returns chunks deleted."""
    with db.session() as session:
        pending = [
            (r.id, r.version_key, r.status)
            for r in session.scalars(select(DocumentRow).where(DocumentRow.needs_cleanup.is_(True)))
        ]
    if not pending:
        return 0
    index = _open(source)
    deleted = 0
    for row_id, key, status in pending:
        if status in _DELETED:
            deleted += index.delete_version(key)
        elif status == DocumentStatus.SUPERSEDED.value:
            index.set_current(key, False)
        elif status == DocumentStatus.CURRENT.value:
            index.set_current(key, True)
        with db.session() as session:
            row = session.get(DocumentRow, row_id)
            if row is not None and row.status == status:
                row.needs_cleanup = False
    if pending:
        with db.session() as session:
            bump_generation(session)  # the index's flags and chunks changed
    return deleted


def repair(db: Database, source: IndexSource) -> RepairCounts:
    """Undo versions left staged by an interrupted run and finish pending cleanups."""
    counts = RepairCounts()
    with db.session() as session:
        staged = [
            (r.id, r.version_key)
            for r in session.scalars(
                select(DocumentRow).where(DocumentRow.status == DocumentStatus.STAGED.value)
            )
        ]
    for row_id, key in staged:
        _open(source).delete_version(key)  # chunks first: a kill here leaves the row, and we retry
        with db.session() as session:
            row = session.get(DocumentRow, row_id)
            if row is not None:
                session.delete(row)
        counts.staged_discarded += 1
    if staged:
        with db.session() as session:
            bump_generation(session)
    with db.session() as session:
        counts.versions_cleaned = len(
            list(session.scalars(select(DocumentRow.id).where(DocumentRow.needs_cleanup.is_(True))))
        )
    cleanup(db, source)
    return counts


def remove_versions(db: Database, index: IndexSource, row_ids: Sequence[int]) -> int:
    """Mark rows removed (one transaction), then delete their chunks; returns chunks deleted."""
    if not row_ids:
        return 0
    with db.session() as session:
        for row_id in row_ids:
            row = session.get(DocumentRow, row_id)
            if row is not None and row.status not in _DELETED:
                row.status = DocumentStatus.REMOVED.value
                row.needs_cleanup = True
    return cleanup(db, index)


def prune_missing(
    db: Database, index: IndexSource, path: Path, present: set[Path]
) -> tuple[int, int]:
    """Remove served versions whose file under ``path`` is gone; (versions, chunks deleted)."""
    root = str(path.resolve())
    served = [DocumentStatus.CURRENT.value, DocumentStatus.SUPERSEDED.value]
    with db.session() as session:
        rows = session.scalars(select(DocumentRow).where(DocumentRow.status.in_(served)))
        gone = [
            r.id
            for r in rows
            if (r.source_path == root or r.source_path.startswith(root.rstrip("/") + "/"))
            and (Path(r.source_path) not in present or not Path(r.source_path).exists())
        ]
    return len(gone), remove_versions(db, index, gone)
