"""The schema fast path: a database already at the newest migration runs no Alembic."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.db.engine import HEAD_REVISION, Database, alembic_config

pytestmark = pytest.mark.unit


def test_head_revision_is_alembics_head() -> None:
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    assert script.get_current_head() == HEAD_REVISION


def test_a_new_database_is_upgraded_then_skips_alembic(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = Database(f"sqlite:///{tmp_path / 'x.db'}")
    assert not db.at_head()
    db.upgrade()
    assert db.at_head()

    def must_not_run(url: str, revision: str = "head") -> None:
        raise AssertionError("alembic ran on a database at head")

    monkeypatch.setattr("core.db.engine.upgrade_schema", must_not_run)
    db.upgrade()
    db.dispose()


def test_an_older_database_is_not_at_head(tmp_path: Path) -> None:
    from core.db.engine import upgrade_schema

    url = f"sqlite:///{tmp_path / 'old.db'}"
    upgrade_schema(url, "0005")
    db = Database(url)
    assert not db.at_head()
    db.upgrade()
    assert db.at_head()
    db.dispose()
