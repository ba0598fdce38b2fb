"""Fit the support model's weights on recorded eval runs (answerable against not).

The answer-or-abstain score is ``sigmoid(a x reader logit + b x best cosine + c)``
(``core/support.py``). This fits (a, b, c) by L2-regularised logistic regression on the
evidence each answer recorded, and reports the leave-one-set-out AUC (fitted without one
``cases.jsonl``, scored on it) so a gain that is one set's shows up. Refit when the reader, the
embedder or the corpus changes; then re-choose the threshold with ``eval.threshold_sweep``.

Usage::

    PLANT_COPILOT_ANSWER__READER_THRESHOLD=0 plant-copilot eval --golden G --out RUN --no-ragas
    python -m eval.fit_support RUN1/cases.jsonl RUN2/cases.jsonl [--json]

Cases without evidence (asset-history answers) and cases with an expected count are left out.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from pydantic import BaseModel

from core.support import SupportEvidence, SupportModel
from eval.reader_eval import auc as pair_auc
from eval.records import CaseResult


class FitReport(BaseModel):
    """Fitted weights, with in-sample and leave-one-set-out AUC and the reader-only AUC."""

    model: SupportModel
    cases: int
    answerable: int
    auc_reader_only: float
    auc_fitted: float
    auc_leave_one_set_out: float


def evidence_rows(paths: Sequence[Path]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(features, answerable, set index) of every recorded case that carries evidence."""
    feats, labels, groups = [], [], []
    for g, path in enumerate(paths):
        for line in path.read_text(encoding="utf-8").splitlines():
            r = CaseResult.model_validate_json(line)
            e = r.support_evidence
            if e is None or r.case.expected_count is not None:
                continue
            feats.append([e.reader_logit, e.similarity])
            labels.append(r.case.answerable)
            groups.append(g)
    return np.array(feats, dtype=float), np.array(labels, dtype=bool), np.array(groups)


def auc(labels: np.ndarray, scores: np.ndarray) -> float:
    """Probability that an answerable case scores above an unanswerable one (ties half;
    ``eval.reader_eval.auc``), NaN without both kinds."""
    value = pair_auc(scores[labels].tolist(), scores[~labels].tolist())
    return float("nan") if value is None else value


def fit(x: np.ndarray, y: np.ndarray, l2: float = 1.0, steps: int = 50) -> SupportModel:
    """Logistic regression by Newton steps on standardised inputs (the intercept unpenalised),
    mapped back to raw weights."""
    mu, sd = x.mean(axis=0), x.std(axis=0) + 1e-9
    z = np.c_[np.ones(len(x)), (x - mu) / sd]
    penalty = l2 * np.diag(np.r_[0.0, np.ones(z.shape[1] - 1)])
    w = np.zeros(z.shape[1])
    for _ in range(steps):
        p = 1.0 / (1.0 + np.exp(-z @ w))
        grad = z.T @ (p - y) + penalty @ w
        hess = (z.T * (p * (1.0 - p))) @ z + penalty
        w -= np.linalg.solve(hess, grad)
    raw = w[1:] / sd
    return SupportModel(
        reader_weight=round(float(raw[0]), 4),
        similarity_weight=round(float(raw[1]), 4),
        bias=round(float(w[0] - (raw * mu).sum()), 4),
    )


def score(model: SupportModel, x: np.ndarray) -> np.ndarray:
    """The model's support probability for each row of features."""
    return np.array(
        [model.probability(SupportEvidence(reader_logit=a, similarity=b)) for a, b in x]
    )


def fit_report(paths: Sequence[Path]) -> FitReport:
    """Fit on every given run; the leave-one-set-out scores come from fits without that set."""
    x, y, groups = evidence_rows(paths)
    model = fit(x, y.astype(float))
    held_out = np.zeros(len(y))
    for g in np.unique(groups):
        test = groups == g
        held_out[test] = score(fit(x[~test], y[~test].astype(float)), x[test])
    return FitReport(
        model=model,
        cases=len(y),
        answerable=int(y.sum()),
        auc_reader_only=round(auc(y, x[:, 0]), 4),
        auc_fitted=round(auc(y, score(model, x)), 4),
        auc_leave_one_set_out=round(auc(y, held_out), 4),
    )


def main(argv: Sequence[str] | None = None) -> None:
    """Print the fitted weights and their AUCs."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("cases", nargs="+", type=Path, help="cases.jsonl of eval runs")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    args = parser.parse_args(argv)
    report = fit_report(args.cases)
    if args.json:
        print(report.model_dump_json(indent=2))
        return
    m = report.model
    print(f"{report.cases} cases ({report.answerable} answerable)")
    print(f"reader_weight={m.reader_weight} similarity_weight={m.similarity_weight} bias={m.bias}")
    print(
        f"AUC reader only {report.auc_reader_only:.3f}, fitted {report.auc_fitted:.3f}, "
        f"leave one set out {report.auc_leave_one_set_out:.3f}"
    )
    print(json.dumps({"answer": {"support": m.model_dump()}}))


if __name__ == "__main__":
    main()
