"""The index generation counter: migration 0002, bump/read, and the writer bumping it."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import inspect

from core.db.engine import Database, alembic_config, upgrade_schema
from core.models import Chunk, DocType, DocumentMeta, Role
from core.registry import bump_generation, ensure_site, index_generation
from ingestion.writer import remove_versions, repair, write_version
from retrieval.embedders import HashingEmbedder
from retrieval.memory_index import InMemoryVectorIndex

pytestmark = pytest.mark.unit
EMB = HashingEmbedder(16)


@pytest.fixture
def db(tmp_path: Path) -> Database:
    database = Database(f"sqlite:///{tmp_path / 'g.db'}")
    database.upgrade()
    with database.session() as s:
        ensure_site(s, "brookfield")
    return database


def generation(db: Database) -> int:
    with db.session() as s:
        return index_generation(s)


def _meta(revision: str) -> DocumentMeta:
    return DocumentMeta(
        doc_id="D1",
        title="t",
        site="brookfield",
        doc_type=DocType.SOP,
        revision=revision,
        audience=frozenset(Role),
        source_path="/d.md",
        content_hash=f"hash-{revision}".ljust(16, "0"),
    )


def _write(db: Database, index: InMemoryVectorIndex, revision: str) -> None:
    m = _meta(revision)
    chunk = Chunk(
        chunk_id=f"{m.version_key}#0",
        version_key=m.version_key,
        doc_id="D1",
        ordinal=0,
        text=f"text {revision}",
        title="t",
        site="brookfield",
        doc_type=DocType.SOP,
        revision=revision,
        audience=m.audience,
    )
    write_version(db, index, m, [chunk], EMB.embed_documents([chunk.text]), become_current=True)


def test_fresh_database_starts_at_zero_and_bumps_by_one(db: Database) -> None:
    assert generation(db) == 0
    with db.session() as s:
        assert bump_generation(s) == 1
        assert bump_generation(s) == 2
    assert generation(db) == 2


def test_writer_bumps_on_switch_cleanup_and_removal(db: Database) -> None:
    index = InMemoryVectorIndex()
    _write(db, index, "1")
    first = generation(db)
    assert first >= 1
    _write(db, index, "2")  # switch + cleanup of the superseded version
    second = generation(db)
    assert second >= first + 2
    with db.session() as s:
        from core.registry import rows_for

        ids = [r.id for r in rows_for(s, "D1")]
    remove_versions(db, index, ids)
    assert generation(db) > second


def test_repair_without_work_does_not_bump(db: Database) -> None:
    before = generation(db)
    repair(db, InMemoryVectorIndex())
    assert generation(db) == before


def test_migration_downgrade_and_upgrade(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'm.db'}"
    upgrade_schema(url, "0001")
    database = Database(url)
    assert "index_generation" not in inspect(database.engine).get_table_names()
    upgrade_schema(url)
    assert "index_generation" in inspect(database.engine).get_table_names()
    assert generation(database) == 0
    command.downgrade(alembic_config(url), "0001")
    assert "index_generation" not in inspect(database.engine).get_table_names()
