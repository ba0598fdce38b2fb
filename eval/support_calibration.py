"""Calibrate the abstention threshold: score questions with the support score, sweep thresholds.

The hook for the evaluation harness. Each golden question is retrieved in its asker's scope and
scored with :func:`services.answering.support.support_score`; a sweep then counts, for every
threshold, the false answers (an unanswerable question or a permission probe scored above it:
the copilot would quote a look-alike document) and the false abstentions (an answerable question
scored below it). False answers cost ``false_answer_cost`` (default 2) times more, and the
threshold of least cost is chosen (ties go to the higher, safer threshold).

Usage, once documents are ingested and ``services.search`` is wired::

    python -m eval.support_calibration eval/golden/sample.jsonl --k 8

Results are recorded in ``eval/calibration/support_v1.md`` and ``support_v2.md``.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from pathlib import Path

from pydantic import BaseModel

from core.models import AccessScope, Role
from core.ports import Retriever
from services.answering.support import support_score


class CalibrationCase(BaseModel):
    """One question with its asker and whether the asker's documents answer it."""

    id: str
    question: str
    site: str
    role: str
    answerable: bool


class ScoredCase(CalibrationCase):
    """A case with its support score."""

    support: float


class SweepPoint(BaseModel):
    """Outcome of one threshold over the scored cases."""

    threshold: float
    false_answers: int
    false_abstentions: int
    answerable: int
    unanswerable: int
    accuracy: float
    cost: float


def load_cases(path: Path) -> list[CalibrationCase]:
    """Read a golden JSONL file (extra fields such as ``must_include`` are ignored)."""
    cases = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            cases.append(CalibrationCase.model_validate(json.loads(line), strict=False))
    return cases


def score_cases(
    cases: Sequence[CalibrationCase],
    retriever: Retriever,
    k: int = 8,
    top: int = 5,
    dense_weight: float = 0.0,
) -> list[ScoredCase]:
    """Retrieve each question in its asker's scope and compute its support score."""
    scored = []
    for case in cases:
        scope = AccessScope(role=Role.parse(case.role), sites=frozenset({case.site}))
        hits = retriever.search(case.question, scope, k)
        support = support_score(case.question, hits, top, dense_weight)
        scored.append(ScoredCase(**case.model_dump(), support=support))
    return scored


def sweep(
    scored: Sequence[ScoredCase],
    thresholds: Sequence[float] | None = None,
    false_answer_cost: float = 2.0,
) -> list[SweepPoint]:
    """Count false answers and false abstentions at each threshold (default 0.05 .. 0.95)."""
    grid = thresholds or [round(0.05 * i, 2) for i in range(1, 20)]
    answerable = [c for c in scored if c.answerable]
    unanswerable = [c for c in scored if not c.answerable]
    points = []
    for t in grid:
        fa = sum(1 for c in unanswerable if c.support >= t)
        fb = sum(1 for c in answerable if c.support < t)
        points.append(
            SweepPoint(
                threshold=t,
                false_answers=fa,
                false_abstentions=fb,
                answerable=len(answerable),
                unanswerable=len(unanswerable),
                accuracy=round(1 - (fa + fb) / max(len(scored), 1), 4),
                cost=false_answer_cost * fa + fb,
            )
        )
    return points


def choose_threshold(points: Sequence[SweepPoint]) -> SweepPoint:
    """The point of least cost; on a tie the higher threshold (fewer false answers)."""
    return min(points, key=lambda p: (p.cost, -p.threshold))


def _table(points: Sequence[SweepPoint]) -> str:
    lines = ["threshold  false-answers  false-abstentions  accuracy  cost"]
    for p in points:
        lines.append(
            f"{p.threshold:9.2f}  {p.false_answers:6d}/{p.unanswerable:<6d}  "
            f"{p.false_abstentions:9d}/{p.answerable:<7d}  {p.accuracy:8.3f}  {p.cost:4.0f}"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Score a golden file with the wired retriever and print the sweep and the chosen point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("golden", type=Path)
    parser.add_argument("--k", type=int, default=8)
    parser.add_argument("--false-answer-cost", type=float, default=2.0)
    args = parser.parse_args(argv)

    from core.settings import load_settings
    from services.wiring import build

    components = build(load_settings())
    retriever_factory = getattr(components, "retriever", None)
    if retriever_factory is None:
        parser.error("no retriever is wired yet (services.search)")
    scored = score_cases(
        load_cases(args.golden),
        retriever_factory(),
        args.k,
        components.settings.answer.support_hits,
        components.settings.answer.dense_support_weight,
    )
    points = sweep(scored, false_answer_cost=args.false_answer_cost)
    best = choose_threshold(points)
    print(_table(points))
    print(f"chosen abstain_threshold = {best.threshold:.2f} (cost {best.cost:.0f})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
