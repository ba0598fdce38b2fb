"""Every Alembic migration, on SQLite and on PostgreSQL: up one step at a time, down to the base,
up again; the result matches the ORM exactly; PostgreSQL-sensitive features behave the same.

New migrations are picked up from ``core/db/migrations/versions`` without touching this file.
"""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect
from sqlalchemy.exc import IntegrityError

from app.cli.main import main
from core.db.engine import Database, alembic_config, make_engine
from core.db.tables import Base, DocumentRow, InteractionRow, SiteRow
from core.settings import Settings
from tests.conftest import REPO
from tests.servers import settings_env

pytestmark = pytest.mark.integration


def _revisions(url: str) -> list[str]:
    """Revision ids from base to head (one linear chain)."""
    script = ScriptDirectory.from_config(alembic_config(url))
    assert len(script.get_heads()) == 1, f"migrations must form one chain: {script.get_heads()}"
    return [r.revision for r in reversed(list(script.walk_revisions()))]


def _schema_diff(url: str) -> list[object]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return list(compare_metadata(MigrationContext.configure(conn), Base.metadata))
    finally:
        engine.dispose()


def _tables(url: str) -> set[str]:
    engine = create_engine(url)
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_every_migration_goes_up_and_down_and_matches_the_models(backend: Settings) -> None:
    url = backend.resolved_database_url
    make_engine(url).dispose()  # SQLite: creates the home folder
    cfg = alembic_config(url)
    revisions = _revisions(url)
    assert revisions[:3] == ["0001", "0002", "0003"]
    for revision in revisions:
        command.upgrade(cfg, revision)
    assert _schema_diff(url) == [], "the migrations must build exactly the ORM's schema"
    for _ in revisions:
        command.downgrade(cfg, "-1")
    assert _tables(url) <= {"alembic_version"}
    command.upgrade(cfg, "head")
    assert _schema_diff(url) == []


def _document(doc_id: str, revision: str, status: str) -> DocumentRow:
    return DocumentRow(
        doc_id=doc_id,
        revision=revision,
        version_key=f"{doc_id}::{revision}::{status}",
        title="Caustic CIP — Lauge 2,0 % ✓",
        site_id="brookfield",
        doc_type="sop",
        audience="admin,operator",
        assets=["CIP-1", "FILLER-2"],
        effective_date=date(2025, 9, 1),
        status=status,
        content_hash="0" * 64,
        source_path="/data/brookfield/sop/x.md",
    )


def test_partial_unique_index_and_json_columns_behave_the_same(backend: Settings) -> None:
    db = Database(backend.resolved_database_url)
    db.upgrade()
    with db.session() as session:
        session.add(SiteRow(id="brookfield", name="Brookfield"))
    with db.session() as session:  # many non-current rows of one doc_id are fine
        session.add_all([_document("D-1", "1", "superseded"), _document("D-1", "2", "superseded")])
        session.add(_document("D-1", "3", "current"))
    with pytest.raises(IntegrityError), db.session() as session:
        session.add(_document("D-1", "4", "current"))
    with db.session() as session:
        rows = session.query(DocumentRow).order_by(DocumentRow.revision).all()
        assert [r.status for r in rows] == ["superseded", "superseded", "current"]
        assert rows[0].assets == ["CIP-1", "FILLER-2"]
        assert rows[0].title == "Caustic CIP — Lauge 2,0 % ✓"
        session.add(
            InteractionRow(
                username="ana",
                role="operator",
                site="brookfield",
                question="q",
                retrieved=[{"chunk_id": "c1", "score": 0.5, "nested": {"ü": [1, None]}}],
                answer="a",
                citations=[],
                abstained=False,
                safety_notices=["WARNING: hot caustic"],
                answerer="extractive",
                latency_ms={"total": 1.5},
            )
        )
    with db.session() as session:
        stored = session.query(InteractionRow).one()
        assert stored.retrieved == [{"chunk_id": "c1", "score": 0.5, "nested": {"ü": [1, None]}}]
        assert stored.latency_ms == {"total": 1.5}
    db.dispose()


def test_db_upgrade_command_is_idempotent(
    backend: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for key, value in settings_env(backend).items():
        monkeypatch.setenv(key, value)
    assert main(["db", "upgrade"]) == 0
    assert main(["db", "upgrade"]) == 0
    assert "up to date" in capsys.readouterr().err
    engine = make_engine(backend.resolved_database_url)
    with engine.connect() as conn:
        current = MigrationContext.configure(conn).get_current_revision()
    engine.dispose()
    assert current == _revisions(backend.resolved_database_url)[-1]


def test_instances_starting_together_take_turns_to_upgrade(backend: Settings) -> None:
    """Without the migrations lock, 1 to 2 of 4 concurrent upgrades of a fresh PostgreSQL
    database failed (duplicate key in pg_type)."""
    code = "import sys; from core.db.engine import Database; Database(sys.argv[1]).upgrade()"
    url = backend.resolved_database_url
    make_engine(url).dispose()
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", code, url],
            cwd=REPO,
            env={**os.environ, **settings_env(backend)},
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(4)
    ]
    outcomes = [(p.communicate(timeout=120)[1], p.returncode) for p in procs]
    assert [err for err, code in outcomes if code != 0] == []
    assert _schema_diff(url) == []
