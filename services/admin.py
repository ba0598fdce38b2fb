"""The admin page's use cases: index status, re-index with progress, evaluation trend, users.

Each function checks that the caller is an admin (the page checks too, but a service must not
rely on the page). Evaluation runs are written by the eval harness (``plant-copilot eval``) into
the ``eval_runs`` table; this module reads them for the trend chart.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import TYPE_CHECKING

from pydantic import BaseModel, Field
from sqlalchemy import select

from core.db.engine import Database
from core.db.tables import EvalRunRow
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


def latest_eval_runs(db: Database, limit: int = 20) -> list[EvalRun]:
    """The latest evaluation runs, oldest first (for a trend); [] when none yet."""
    query = select(EvalRunRow).order_by(EvalRunRow.created_at.desc()).limit(limit)
    with db.session() as session:
        rows = list(session.scalars(query))
        runs = [
            EvalRun(
                run_id=row.id,
                at=aware(row.created_at),
                label=row.golden_file.rsplit("/", 1)[-1],
                passed=row.passed,
                metrics=_numeric(row.metrics),
            )
            for row in rows
        ]
    return list(reversed(runs))


def _numeric(metrics: dict[str, object]) -> dict[str, float]:
    """The numeric metrics of a run (metrics not computed, e.g. LLM-only ragas scores, are None)."""
    return {
        k: float(v)
        for k, v in metrics.items()
        if isinstance(v, int | float) and not isinstance(v, bool)
    }
