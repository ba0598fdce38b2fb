"""Eval runs in SQL (table ``eval_runs``, migration 0006_eval_runs) and deltas between runs.

The admin dashboard charts the history from this table; ``plant-copilot eval --compare`` reads
the run to compare with from it.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict
from sqlalchemy import select

from core.db.engine import Database
from core.db.tables import EvalRunRow
from core.errors import NotFoundError


class StoredRun(BaseModel):
    """One stored evaluation run."""

    model_config = ConfigDict(from_attributes=True)

    id: str
    created_at: datetime
    golden_file: str
    golden_sha256: str
    metrics: dict[str, Any]
    slices: dict[str, Any]
    thresholds: dict[str, Any]
    passed: bool
    git_commit: str | None = None
    out_dir: str | None = None


def save_run(db: Database, run: StoredRun) -> None:
    """Insert one run."""
    with db.session() as session:
        session.add(EvalRunRow(**run.model_dump()))


def get_run(db: Database, run_id: str) -> StoredRun:
    """The run with this id; NotFoundError otherwise."""
    with db.session() as session:
        row = session.get(EvalRunRow, run_id)
        if row is None:
            raise NotFoundError(f"no eval run {run_id!r}")
        return StoredRun.model_validate(row)


def previous_run(db: Database, before: datetime | None = None) -> StoredRun | None:
    """The latest run (created before ``before`` when given), or None."""
    with db.session() as session:
        query = select(EvalRunRow).order_by(EvalRunRow.created_at.desc(), EvalRunRow.id.desc())
        if before is not None:
            query = query.where(EvalRunRow.created_at < before)
        row = session.scalars(query.limit(1)).first()
        return StoredRun.model_validate(row) if row is not None else None


def list_runs(db: Database, limit: int = 50) -> list[StoredRun]:
    """The latest runs, newest first."""
    with db.session() as session:
        rows = session.scalars(
            select(EvalRunRow).order_by(EvalRunRow.created_at.desc()).limit(limit)
        )
        return [StoredRun.model_validate(r) for r in rows]


def deltas(current: Mapping[str, Any], previous: Mapping[str, Any]) -> dict[str, float]:
    """``current - previous`` for every numeric metric present in both."""
    out = {}
    for name, value in current.items():
        new, old = _number(value), _number(previous.get(name))
        if new is not None and old is not None:
            out[name] = round(new - old, 4)
    return out


def _number(value: Any) -> float | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    return None
