"""Migration 0006_eval_runs creates exactly the ORM's ``eval_runs`` table and rolls back."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from core.db.engine import Database, alembic_config
from core.db.tables import Base

pytestmark = pytest.mark.unit


def test_eval_runs_migration_matches_the_orm_and_downgrades(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'm.db'}"
    db = Database(url)
    db.upgrade()
    with db.engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []
        columns = {c["name"] for c in inspect(conn).get_columns("eval_runs")}
    assert {
        "id", "created_at", "golden_file", "golden_sha256", "metrics",
        "thresholds", "passed", "git_commit",
    } <= columns  # fmt: skip
    command.downgrade(alembic_config(url), "0003")
    with db.engine.connect() as conn:
        tables = inspect(conn).get_table_names()
    assert "eval_runs" not in tables and "interactions" in tables
    db.upgrade()
    db.dispose()
