"""Migration 0003 creates exactly the ORM's ``interactions`` table and can be rolled back."""

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


def test_migration_matches_the_orm_and_downgrades(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'm.db'}"
    db = Database(url)
    db.upgrade()
    with db.engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []
        columns = {c["name"] for c in inspect(conn).get_columns("interactions")}
    assert {"retrieved", "citations", "safety_notices", "latency_ms", "feedback_score"} <= columns
    command.downgrade(alembic_config(url), "0001")
    with db.engine.connect() as conn:
        assert "interactions" not in inspect(conn).get_table_names()
    db.upgrade()
    db.dispose()
