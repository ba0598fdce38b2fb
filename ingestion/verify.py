"""Check the vector index against the registry (the source of truth) and repair what differs.

``reindex`` runs this first. After restoring a database dump and a Chroma snapshot taken at
different moments (or after losing the Chroma data), the index may lack chunks of served
versions, hold chunks of versions the registry does not serve, or carry stale served flags.
Stale flags and stray chunks are fixed here; documents whose served version is incomplete are
returned so the run rebuilds them from their source files (see ``docs/deployment.md``).
"""

from __future__ import annotations

from pydantic import BaseModel, Field
from sqlalchemy import select

from core.db.engine import Database
from core.db.tables import DocumentRow
from core.models import DocumentStatus
from core.ports import VectorIndex, VersionState
from core.registry import bump_generation

_KEPT = {DocumentStatus.CURRENT.value, DocumentStatus.SUPERSEDED.value}


class IndexCheck(BaseModel):
    """Differences between the registry and the index, and what was fixed in place."""

    incomplete: set[str] = Field(default_factory=set)
    """doc_ids whose current version lacks chunks in the index: to rebuild."""
    orphan_versions_deleted: int = 0
    flags_fixed: int = 0


def _flag_fix(row: DocumentRow, state: VersionState) -> bool | None:
    """The served flag a complete version's chunks need, or None when they are right."""
    if row.status == DocumentStatus.CURRENT.value and state.flagged_current < state.total:
        return True
    if row.status == DocumentStatus.SUPERSEDED.value and state.flagged_current:
        return False
    return None


def verify_index(db: Database, index: VectorIndex, site: str | None = None) -> IndexCheck:
    """Compare every version in the index with the registry (current versions of ``site``, or
    all, must be complete); delete chunks of versions it does not keep, fix served flags."""
    with db.session() as session:
        rows = {r.version_key: r for r in session.scalars(select(DocumentRow))}
    states = index.version_states()
    check = IndexCheck()
    for key, state in states.items():
        row = rows.get(key)
        if row is None or row.status not in _KEPT:
            index.delete_version(key)
            check.orphan_versions_deleted += 1
            continue
        flag = _flag_fix(row, state)
        if flag is not None and state.total == row.chunk_count:
            index.set_current(key, flag)
            check.flags_fixed += 1
    for key, row in rows.items():
        if row.status != DocumentStatus.CURRENT.value or (site and row.site_id != site):
            continue
        state = states.get(key, VersionState())
        if state.total != row.chunk_count:
            check.incomplete.add(row.doc_id)
    if check.orphan_versions_deleted or check.flags_fixed:
        with db.session() as session:
            bump_generation(session)  # the index changed: derived indexes must rebuild
    return check
