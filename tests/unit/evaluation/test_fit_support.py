"""Fitting the support model on recorded evidence: weights, AUCs, and what is left out."""

from __future__ import annotations

import math
import random
from pathlib import Path

import pytest

from core.support import SupportEvidence, SupportModel
from eval.fit_support import auc, evidence_rows, fit_report
from tests.unit.evaluation.factories import case, result, src

pytestmark = pytest.mark.unit

TRUE = SupportModel(reader_weight=0.5, similarity_weight=8.0, bias=-3.0)


def _write(path: Path, seed: int, n: int) -> Path:
    """Cases whose answerability is drawn from TRUE's probability of their evidence."""
    rng = random.Random(seed)
    lines = []
    for i in range(n):
        evidence = SupportEvidence(reader_logit=rng.uniform(-8, 4), similarity=rng.uniform(0, 0.8))
        answerable = rng.random() < TRUE.probability(evidence)
        r = result(case(f"{seed}-{i}", answerable=answerable), [src("DOC-A")])
        lines.append(r.model_copy(update={"support_evidence": evidence}).model_dump_json())
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_the_fit_recovers_the_weights_that_drew_the_labels(tmp_path: Path) -> None:
    paths = [_write(tmp_path / f"s{k}.jsonl", k, 700) for k in range(3)]
    report = fit_report(paths)
    m = report.model
    assert report.cases == 2100
    assert m.reader_weight == pytest.approx(0.5, abs=0.12)
    assert m.similarity_weight == pytest.approx(8.0, abs=1.6)
    assert m.bias == pytest.approx(-3.0, abs=0.6)
    # Both inputs carry signal, so the fitted score separates better than the logit alone,
    # and held-out sets are scored nearly as well as the sets it was fitted on.
    assert report.auc_fitted > report.auc_reader_only + 0.02
    assert report.auc_leave_one_set_out > report.auc_fitted - 0.01


def test_cases_without_evidence_or_with_an_expected_count_are_left_out(tmp_path: Path) -> None:
    history = result(case("h"), [src("DOC-A")])
    counted = result(case("c", expected_count=0), [src("DOC-A")]).model_copy(
        update={"support_evidence": SupportEvidence(reader_logit=1.0, similarity=0.5)}
    )
    kept = result(case("k"), [src("DOC-A")]).model_copy(
        update={"support_evidence": SupportEvidence(reader_logit=-2.0, similarity=0.4)}
    )
    path = tmp_path / "cases.jsonl"
    path.write_text(
        "\n".join(r.model_dump_json() for r in (history, counted, kept)) + "\n", encoding="utf-8"
    )
    x, y, groups = evidence_rows([path])
    assert x.tolist() == [[-2.0, 0.4]] and y.tolist() == [True] and groups.tolist() == [0]


def test_auc_counts_ties_as_half_and_is_undefined_without_both_classes() -> None:
    import numpy as np

    labels = np.array([True, True, False, False])
    assert auc(labels, np.array([0.9, 0.5, 0.5, 0.1])) == 0.875
    assert math.isnan(auc(np.array([True, True]), np.array([0.1, 0.2])))
