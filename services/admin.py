"""The admin page's use cases: index status, re-index with progress, evaluation trend, users.

Each function checks that the caller is an admin (the page checks too, but a service must not
rely on the page). Evaluation runs are written by the eval harness into an ``eval_runs`` table
whose exact shape belongs to that harness; until it exists this module returns no runs.
"""

from __future__ import annotations

import json
import logging
from datetime import datetime
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, Field
from sqlalchemy import MetaData, Table, inspect, select

from core.db.engine import Database
from core.models import User
from core.registry import require_site
from ingestion.progress import Progress
from ingestion.report import IngestReport
from services.access import Page, require_page
from services.index_admin import IndexStatus, index_status
from services.users import UserAccount, aware, list_users

if TYPE_CHECKING:
    from services.wiring import Components

log = logging.getLogger(__name__)

EVAL_TABLE = "eval_runs"
_TIME_COLUMNS = ("finished_at", "created_at", "started_at", "run_at", "timestamp")
_SKIP_NUMERIC = {"id", "run_id", "k", "n", "count", "questions", "num_questions"}


class EvalRun(BaseModel):
    """One evaluation run: when, a label, and its numeric metrics (e.g. recall@5, MRR)."""

    run_id: str
    at: datetime | None = None
    label: str = ""
    passed: bool | None = Field(default=None, description="The run's quality gate, if it had one")
    metrics: dict[str, float] = Field(default_factory=dict)


_SCORE_HINTS = ("@", "recall", "precision", "mrr", "ndcg", "presence", "ragas_", "rate", "score")


def _is_score(name: str, values: list[float]) -> bool:
    """A 0..1 score: every value in range, and either a score-like name or a fractional value
    (so counts that happen to be 0 or 1, such as leaks, stay out of the chart)."""
    in_range = all(0.0 <= v <= 1.0 for v in values)
    fractional = any(v != int(v) for v in values)
    return in_range and (fractional or any(h in name.lower() for h in _SCORE_HINTS))


def score_trend(runs: list[EvalRun]) -> dict[str, list[float | None]]:
    """Per 0..1 score (rates, MRR, nDCG...), its values oldest first: what the trend chart
    draws. Counts and latencies are left out (other scales); runs lacking a score give None."""
    names = sorted({k for r in runs for k in r.metrics})
    trend: dict[str, list[float | None]] = {}
    for name in names:
        values = [r.metrics[name] for r in runs if name in r.metrics]
        if _is_score(name, values):
            trend[name] = [r.metrics.get(name) for r in runs]
    return trend


def overview(components: Components, admin: User) -> IndexStatus:
    """Per-site documents and chunks, total chunks in the index, and the last run."""
    require_page(admin.role, Page.ADMIN)
    return index_status(components.db, components.index)


def reindex(
    components: Components, admin: User, site: str | None, full: bool, progress: Progress
) -> IngestReport:
    """Re-read registered documents (of one site, or all) reporting to ``progress``."""
    require_page(admin.role, Page.ADMIN)
    if site is not None:
        with components.db.session() as session:
            site = require_site(session, site)
    log.info("re-index started by %s (site %s, full %s)", admin.username, site or "all", full)
    return components.ingestor().reindex(site=site, full=full, progress=progress)


def accounts(db: Database, admin: User) -> list[UserAccount]:
    """Every user account (no hashes), for the users table."""
    require_page(admin.role, Page.ADMIN)
    return list_users(db)


def _metrics(row: dict[str, Any]) -> dict[str, float]:
    """Numeric metrics of a row: a JSON ``metrics`` mapping and any numeric metric columns."""
    out: dict[str, float] = {}
    raw = row.get("metrics")
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except ValueError:
            raw = None
    if isinstance(raw, dict):
        out.update({k: float(v) for k, v in raw.items() if isinstance(v, int | float)})
    for key, value in row.items():
        numeric = isinstance(value, int | float) and not isinstance(value, bool)  # not "passed"
        if numeric and key not in _SKIP_NUMERIC and not key.endswith("_id"):
            out.setdefault(key, float(value))
    return out


def _when(row: dict[str, Any]) -> datetime | None:
    for column in _TIME_COLUMNS:
        value = row.get(column)
        if isinstance(value, datetime):
            return aware(value)
        if isinstance(value, str):
            try:
                return aware(datetime.fromisoformat(value))
            except ValueError:
                continue
    return None


def _label(row: dict[str, Any]) -> str:
    for key in ("name", "label", "golden_set", "golden_file"):
        if row.get(key):
            return str(row[key]).rsplit("/", 1)[-1]
    return ""


def latest_eval_runs(db: Database, limit: int = 20) -> list[EvalRun]:
    """The latest evaluation runs, oldest first (for a trend); [] when none or no table yet."""
    if not inspect(db.engine).has_table(EVAL_TABLE):
        return []
    table = Table(EVAL_TABLE, MetaData(), autoload_with=db.engine)
    order = next((table.c[c] for c in (*_TIME_COLUMNS, "id") if c in table.c), None)
    query = select(table).limit(limit)
    if order is not None:
        query = query.order_by(order.desc())
    with db.engine.connect() as conn:
        rows = [dict(r._mapping) for r in conn.execute(query)]
    runs = [
        EvalRun(
            run_id=str(row.get("id", i)),
            at=_when(row),
            label=_label(row),
            passed=row["passed"] if isinstance(row.get("passed"), bool) else None,
            metrics=_metrics(row),
        )
        for i, row in enumerate(rows)
    ]
    return list(reversed(runs))
