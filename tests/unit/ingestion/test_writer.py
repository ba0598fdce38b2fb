"""The crash-safe write protocol and repair, with an in-memory index and a real SQLite registry.

A crash is simulated by an index that raises at a chosen step; the invariant checked after every
step is the one readers rely on: each doc_id is served in exactly one complete version.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

import numpy as np
import pytest

from core.db.engine import Database
from core.models import Chunk, DocType, DocumentMeta, DocumentStatus, Role
from core.registry import current_row, ensure_site, rows_for, served_versions
from ingestion.writer import NewVersion, remove_versions, repair, write_version, write_versions
from retrieval.embedders import HashingEmbedder
from retrieval.memory_index import InMemoryVectorIndex

pytestmark = pytest.mark.unit
EMB = HashingEmbedder(32)


class Crash(Exception):
    pass


class CrashingIndex(InMemoryVectorIndex):
    """Raises on the n-th call of one method, like a kill at that moment."""

    def __init__(self) -> None:
        super().__init__()
        self.fail_on: str | None = None

    def _maybe(self, name: str) -> None:
        if self.fail_on == name:
            self.fail_on = None
            raise Crash(name)

    def add(self, chunks, embeddings, current):  # type: ignore[no-untyped-def]
        self._maybe("add")
        super().add(chunks, embeddings, current)

    def set_current(self, version_key, current):  # type: ignore[no-untyped-def]
        self._maybe("set_current")
        return super().set_current(version_key, current)

    def delete_version(self, version_key):  # type: ignore[no-untyped-def]
        self._maybe("delete_version")
        return super().delete_version(version_key)


@pytest.fixture
def db(tmp_path: Path) -> Database:
    database = Database(f"sqlite:///{tmp_path / 'r.db'}")
    database.upgrade()
    with database.session() as s:
        ensure_site(s, "brookfield")
    return database


def meta(revision: str, content: str) -> DocumentMeta:
    return DocumentMeta(
        doc_id="D1",
        title="Filler jam",
        site="brookfield",
        doc_type=DocType.SOP,
        revision=revision,
        audience=frozenset(Role),
        source_path="/d1.md",
        content_hash=f"{revision}-{content}".ljust(16, "0"),
    )


def chunks_for(m: DocumentMeta, n: int) -> tuple[list[Chunk], np.ndarray]:
    chunks = [
        Chunk(
            chunk_id=f"{m.version_key}#{i}",
            version_key=m.version_key,
            doc_id=m.doc_id,
            ordinal=i,
            text=f"{m.content_hash} part {i}",
            title=m.title,
            site=m.site,
            doc_type=m.doc_type,
            revision=m.revision,
            audience=m.audience,
        )
        for i in range(n)
    ]
    return chunks, EMB.embed_documents([c.text for c in chunks])


def served(db: Database, index: InMemoryVectorIndex) -> dict[str, int]:
    """Version -> chunks a reader would get: flagged current in the index AND current in SQL."""
    with db.session() as s:
        truth = served_versions(s, ["D1"])
    out: dict[str, int] = {}
    for key, state in index.version_states().items():
        if state.flagged_current and truth.get("D1") == key:
            out[key] = state.flagged_current
    return out


def write(
    db: Database, index: InMemoryVectorIndex, m: DocumentMeta, n: int, current: bool = True
) -> None:
    chunks, vectors = chunks_for(m, n)
    write_version(db, index, m, chunks, vectors, become_current=current)


def test_new_revision_supersedes_and_unflags_old(db: Database) -> None:
    index = CrashingIndex()
    write(db, index, meta("1", "a"), 3)
    write(db, index, meta("2", "b"), 2)
    with db.session() as s:
        statuses = {r.revision: r.status for r in rows_for(s, "D1")}
    assert statuses == {"1": "superseded", "2": "current"}
    assert served(db, index) == {meta("2", "b").version_key: 2}
    assert index.version_states()[meta("1", "a").version_key].flagged_current == 0


def test_edited_same_revision_replaces_and_deletes_old_chunks(db: Database) -> None:
    index = CrashingIndex()
    write(db, index, meta("1", "a"), 3)
    write(db, index, meta("1", "b"), 2)
    assert meta("1", "a").version_key not in index.version_states()
    with db.session() as s:
        assert {r.status for r in rows_for(s, "D1")} == {"replaced", "current"}


@pytest.mark.parametrize("step", ["add", "set_current", "delete_version"])
@pytest.mark.parametrize("same_revision", [True, False])
def test_crash_at_any_step_serves_exactly_one_version_and_repair_converges(
    db: Database, step: str, same_revision: bool
) -> None:
    index = CrashingIndex()
    old, new = meta("1", "a"), meta("1" if same_revision else "2", "b")
    write(db, index, old, 3)
    index.fail_on = step
    with contextlib.suppress(Crash):
        write(db, index, new, 2)
    assert len(served(db, index)) == 1, "exactly one version must be served after the crash"
    repair(db, index)
    states = index.version_states()
    with db.session() as s:
        rows = {r.version_key: r for r in rows_for(s, "D1")}
        current = current_row(s, "D1")
    assert current is not None
    assert states[current.version_key].flagged_current == states[current.version_key].total
    for key, row in rows.items():
        assert not row.needs_cleanup
        if row.status != DocumentStatus.CURRENT.value:
            assert key not in states or states[key].flagged_current == 0
    assert all(r.status != "staged" for r in rows.values())


def test_older_revision_arriving_late_is_superseded_not_served(db: Database) -> None:
    index = CrashingIndex()
    write(db, index, meta("2", "b"), 2)
    write(db, index, meta("1", "a"), 2, current=False)
    assert served(db, index) == {meta("2", "b").version_key: 2}


def test_remove_versions_deletes_chunks_and_keeps_rows(db: Database) -> None:
    index = CrashingIndex()
    write(db, index, meta("1", "a"), 3)
    with db.session() as s:
        ids = [r.id for r in rows_for(s, "D1")]
    assert remove_versions(db, index, ids) == 3
    assert index.count() == 0
    with db.session() as s:
        assert [r.status for r in rows_for(s, "D1")] == ["removed"]


def test_batch_with_two_revisions_of_one_doc_serves_the_newest(db: Database) -> None:
    index = CrashingIndex()
    old, new = meta("1", "a"), meta("2", "b")
    versions = []
    for m, current in ((old, False), (new, True)):
        chunks, vectors = chunks_for(m, 2)
        versions.append(NewVersion(meta=m, chunks=chunks, vectors=vectors, become_current=current))
    outcome = write_versions(db, index, versions)
    assert outcome.superseded == 1 and outcome.replaced_existing == [False, False]
    assert served(db, index) == {new.version_key: 2}
    assert index.version_states()[old.version_key].flagged_current == 0
