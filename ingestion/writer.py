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

from collections.abc import Sequence

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.db.engine import Database
from core.db.tables import DocumentRow, utcnow
from core.models import Chunk, DocumentMeta, DocumentStatus
from core.ports import VectorIndex
from core.registry import bump_generation, current_row, insert_staged, switch_current
from ingestion.report import RepairCounts

_DELETED = {DocumentStatus.REPLACED.value, DocumentStatus.REMOVED.value}


class WriteOutcome:
    """What one version write changed besides adding its own chunks."""

    def __init__(self) -> None:
        self.superseded = 0
        self.deleted_chunks = 0
        self.replaced_existing = False


def write_version(
    db: Database,
    index: VectorIndex,
    meta: DocumentMeta,
    chunks: Sequence[Chunk],
    vectors: np.ndarray,
    become_current: bool,
) -> WriteOutcome:
    """Write one version with the four-step protocol above."""
    with db.session() as session:
        row_id = insert_staged(session, meta, len(chunks)).id
    index.add(chunks, vectors, current=become_current)
    outcome = WriteOutcome()
    with db.session() as session:
        new = session.get(DocumentRow, row_id)
        assert new is not None
        old = current_row(session, meta.doc_id) if become_current else None
        if old is not None:
            outcome.replaced_existing = True
        if become_current:
            switch_current(session, new, old)
            if old is not None:
                old.needs_cleanup = True
                outcome.superseded += int(old.status == DocumentStatus.SUPERSEDED.value)
        else:
            new.status = DocumentStatus.SUPERSEDED.value
            new.indexed_at = utcnow()
            outcome.superseded += 1
        for other in _same_revision_leftovers(session, new, old):
            other.status = DocumentStatus.REPLACED.value
            other.needs_cleanup = True
        bump_generation(session)  # served content changed: derived indexes must rebuild
    outcome.deleted_chunks = cleanup(db, index)
    return outcome


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


def cleanup(db: Database, index: VectorIndex) -> int:
    """Bring the index in line with every row flagged ``needs_cleanup``; returns chunks deleted."""
    with db.session() as session:
        pending = [
            (r.id, r.version_key, r.status)
            for r in session.scalars(select(DocumentRow).where(DocumentRow.needs_cleanup.is_(True)))
        ]
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


def repair(db: Database, index: VectorIndex) -> RepairCounts:
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
        index.delete_version(key)  # chunks first: a kill here leaves the row, and we retry
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
    cleanup(db, index)
    return counts


def remove_versions(db: Database, index: VectorIndex, row_ids: Sequence[int]) -> int:
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
