"""The keyword index follows the SQL index generation and persists per generation."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.db.engine import Database
from core.models import AccessScope, Role
from core.registry import bump_generation
from retrieval.adapters.bm25_index import synced_index
from retrieval.keyword_index import SyncedKeywordIndex
from retrieval.memory_index import InMemoryVectorIndex
from tests.contracts.vector_index_contract import add, make_chunk

pytestmark = pytest.mark.unit
SCOPE = AccessScope(role=Role.OPERATOR, sites=frozenset({"brookfield"}))


@pytest.fixture
def db(tmp_path: Path) -> Database:
    database = Database(f"sqlite:///{tmp_path / 'k.db'}")
    database.upgrade()
    return database


def synced(index: InMemoryVectorIndex, db: Database, store: Path | None) -> SyncedKeywordIndex:
    return synced_index(index, db, store)


def bump(db: Database) -> None:
    with db.session() as s:
        bump_generation(s)


def found(kw: SyncedKeywordIndex, question: str) -> list[str]:
    return [h.chunk_id for h in kw.search(question, SCOPE, 5)]


def test_rebuilds_only_when_the_generation_moves(db: Database) -> None:
    index = InMemoryVectorIndex()
    add(index, [make_chunk("A", "a1", 0, "gearbox coupling torque")])
    kw = synced(index, db, None)
    assert found(kw, "gearbox") == ["a1-0"]
    add(index, [make_chunk("B", "b1", 0, "gearbox oil level")])
    assert found(kw, "oil") == []  # same generation: the snapshot is reused
    assert kw.rebuilds == 1
    bump(db)
    assert found(kw, "oil") == ["b1-0"]
    index.set_current("b1", False)
    bump(db)
    assert found(kw, "oil") == []
    assert kw.rebuilds == 3


def test_restart_loads_the_persisted_generation(db: Database, tmp_path: Path) -> None:
    index = InMemoryVectorIndex()
    add(index, [make_chunk("A", "a1", 0, "caustic wash concentration")])
    bump(db)
    first = synced(index, db, tmp_path / "bm25")
    assert found(first, "caustic") == ["a1-0"]
    assert (tmp_path / "bm25" / "1").is_dir()
    again = synced(index, db, tmp_path / "bm25")
    assert found(again, "caustic") == ["a1-0"]
    assert again.rebuilds == 0


def test_stale_persisted_snapshot_is_rebuilt_and_old_ones_dropped(
    db: Database, tmp_path: Path
) -> None:
    index = InMemoryVectorIndex()
    add(index, [make_chunk("A", "a1", 0, "filler jam")])
    synced(index, db, tmp_path / "bm25").snapshot()
    add(index, [make_chunk("B", "b1", 0, "filler guard")])  # same generation, more chunks
    kw = synced(index, db, tmp_path / "bm25")
    assert set(found(kw, "filler")) == {"a1-0", "b1-0"}
    assert kw.rebuilds == 1
    bump(db)
    kw.snapshot()
    assert sorted(p.name for p in (tmp_path / "bm25").iterdir()) == ["1"]


def test_background_refresh_serves_the_old_snapshot_until_the_new_one_is_ready(
    db: Database,
) -> None:
    index = InMemoryVectorIndex()
    add(index, [make_chunk("A", "a1", 0, "gearbox coupling")])
    kw = synced_index(index, db, None, background=True)
    assert found(kw, "gearbox") == ["a1-0"]  # first snapshot: built before answering
    add(index, [make_chunk("B", "b1", 0, "gearbox oil")])
    bump(db)
    found(kw, "oil")  # may be served by the old snapshot while the new one builds
    kw.wait_for_refresh()
    assert found(kw, "oil") == ["b1-0"]
    assert kw.rebuilds == 2
