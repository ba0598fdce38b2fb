"""One ``plant-copilot eval`` run end to end: evaluate, compare, write outputs, store in SQL.

The CLI only parses flags and prints; everything it reports comes from :func:`run_eval`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import BaseModel

from eval.gate import DEFAULT_THRESHOLDS, load_thresholds
from eval.report import Comparison, write_outputs
from eval.run import REPO, EvalRun, Progress, evaluate_golden
from eval.store import StoredRun, deltas, get_run, previous_run, save_run
from services.wiring import Components

DEFAULT_GOLDEN = REPO / "eval" / "golden" / "sample.jsonl"


class EvalOptions(BaseModel):
    """Flags of ``plant-copilot eval``."""

    golden: Path = DEFAULT_GOLDEN
    thresholds: Path = DEFAULT_THRESHOLDS
    out_dir: Path | None = None
    compare: str | None = None
    ragas: bool = True


class EvalOutcome(BaseModel):
    """What a run produced: the run, its JSON document, where files went, the comparison."""

    run: EvalRun
    data: dict[str, Any]
    out_dir: Path
    compare: Comparison | None = None


def comparison(components: Components, run: EvalRun, run_id: str | None) -> Comparison | None:
    """Deltas against ``run_id`` (NotFoundError when unknown), or against the latest stored
    run when None (no comparison for a first run)."""
    if run_id is not None:
        other = get_run(components.db, run_id)
    else:
        found = previous_run(components.db, before=run.created_at)
        if found is None:
            return None
        other = found
    return Comparison(run_id=other.id, deltas=deltas(run.metrics, other.metrics))


def run_eval(
    components: Components, options: EvalOptions, progress: Progress | None = None
) -> EvalOutcome:
    """Evaluate the golden file, write ``metrics.json``, ``report.md`` and charts into the out
    dir (default ``<home>/eval/<run_id>``), and store the run in ``eval_runs``."""
    thresholds = load_thresholds(options.thresholds)
    if options.compare is not None:
        get_run(components.db, options.compare)  # fail before a long run, not after it
    run, results = evaluate_golden(
        components, options.golden, thresholds, with_ragas=options.ragas, progress=progress
    )
    compare = comparison(components, run, options.compare)
    out_dir = options.out_dir or components.settings.home / "eval" / run.run_id
    data = write_outputs(run, results, out_dir, compare)
    save_run(
        components.db,
        StoredRun(
            id=run.run_id,
            created_at=run.created_at,
            golden_file=run.golden_file,
            golden_sha256=run.golden_sha256,
            metrics=dict(run.metrics),
            slices=run.slices,
            thresholds=run.thresholds.model_dump(),
            passed=run.gate.passed,
            git_commit=run.git_commit,
            out_dir=str(out_dir.resolve()),
        ),
    )
    return EvalOutcome(run=run, data=data, out_dir=out_dir, compare=compare)
