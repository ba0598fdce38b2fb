"""Sweep an abstention threshold over recorded eval cases, without re-running anything.

Run the golden sets once with the threshold at 0 (every question answered, each answer carrying
its ``support_score``), then re-decide abstention offline for every threshold: a case abstains when
its support is below the threshold. The figures at each threshold are the harness's own metrics
(``eval.metrics``), so the chosen point can be checked against a real run afterwards.

Usage::

    PLANT_COPILOT_ANSWER__READER_THRESHOLD=0 plant-copilot eval --golden G --out RUN --no-ragas
    python -m eval.threshold_sweep RUN1/cases.jsonl RUN2/cases.jsonl [--step 0.05] [--json]
    python -m eval.threshold_sweep RUN*/cases.jsonl --refit --step 0.005   # weights, then threshold

The suggested threshold maximises the smaller of answered rate and abstention recall (a copilot
that either answers too little or refuses too little fails someone), ties to the higher one.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from pathlib import Path

from pydantic import BaseModel

from core.support import SupportModel
from eval.fit_support import fit_report
from eval.metrics import compute_metrics
from eval.records import CaseResult


class SweepRow(BaseModel):
    """The metrics that move with the threshold, at one threshold."""

    threshold: float
    answered_rate: float | None
    abstention_recall: float | None
    first_citation_doc: float | None
    key_facts: float | None
    leaks: int


def load_results(paths: Sequence[Path]) -> list[CaseResult]:
    """Every case of the given ``cases.jsonl`` files. A case without a support score was
    decided by another path (an asset-history answer): the sweep keeps it as it was."""
    results = []
    for path in paths:
        for line in path.read_text(encoding="utf-8").splitlines():
            results.append(CaseResult.model_validate_json(line))
    return results


def decide(results: Sequence[CaseResult], threshold: float) -> list[CaseResult]:
    """The cases as they would be at ``threshold``: answers below it become abstentions."""
    out = []
    for r in results:
        if r.abstained or r.support_score is None or r.support_score >= threshold:
            out.append(r)
        else:
            out.append(r.model_copy(update={"abstained": True, "citations": [], "answer": ""}))
    return out


def rescore(results: Sequence[CaseResult], model: SupportModel) -> list[CaseResult]:
    """The cases with their support re-computed from the recorded evidence by ``model``: what
    a run with those support weights and threshold 0 would have recorded (nothing else in a
    threshold-0 run depends on the weights)."""
    out = []
    for r in results:
        if r.support_evidence is None or r.support_score is None:
            out.append(r)
        else:
            score = round(model.probability(r.support_evidence), 4)
            out.append(r.model_copy(update={"support_score": score}))
    return out


def sweep(results: Sequence[CaseResult], step: float) -> list[SweepRow]:
    """One row per threshold from 0 to 1."""
    rows = []
    for i in range(round(1 / step) + 1):
        t = round(i * step, 4)
        m = compute_metrics(decide(results, t))
        rows.append(
            SweepRow(
                threshold=t,
                answered_rate=_num(m.get("answered_rate")),
                abstention_recall=_num(m.get("abstention_recall")),
                first_citation_doc=_num(m.get("first_citation_doc")),
                key_facts=_num(m.get("key_fact_presence")),
                leaks=int(_num(m.get("leaks")) or 0),
            )
        )
    return rows


def best(rows: Sequence[SweepRow]) -> SweepRow:
    """The row maximising min(answered rate, abstention recall); ties go to the higher threshold."""
    return max(
        rows, key=lambda r: (min(r.answered_rate or 0, r.abstention_recall or 0), r.threshold)
    )


def _num(value: object) -> float | None:
    return float(value) if isinstance(value, int | float) else None


def main() -> None:
    """Print the sweep and the suggested threshold."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("cases", nargs="+", type=Path)
    parser.add_argument("--step", type=float, default=0.05)
    parser.add_argument("--json", action="store_true")
    parser.add_argument(
        "--refit",
        action="store_true",
        help="fit the support weights on these runs first (eval.fit_support) and sweep the "
        "support they give",
    )
    opts = parser.parse_args()
    results = load_results(opts.cases)
    if opts.refit:
        model = fit_report(opts.cases).model
        print(f"refitted support: {model.model_dump_json()}")
        results = rescore(results, model)
    rows = sweep(results, opts.step)
    chosen = best(rows)
    if opts.json:
        print(json.dumps({"rows": [r.model_dump() for r in rows], "best": chosen.model_dump()}))
        return
    print("threshold answered refused first_doc key_facts leaks")
    for r in rows:
        print(
            f"{r.threshold:9.3f} {r.answered_rate or 0:8.3f} {r.abstention_recall or 0:7.3f} "
            f"{r.first_citation_doc or 0:9.3f} {r.key_facts or 0:9.3f} {r.leaks:5d}"
        )
    print(f"best: {chosen.threshold}")


if __name__ == "__main__":
    main()
