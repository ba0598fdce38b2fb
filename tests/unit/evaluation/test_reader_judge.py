"""The reader judge's rules: rank prior, runs from another model, threshold, cap, document."""

from __future__ import annotations

import random

import numpy as np
import pytest

from eval.reader_judge import PairCase, ReadRecord, best_unit, features, harness_threshold, judge

pytestmark = pytest.mark.unit


def _case(set_: str, id_: str, ok: bool, units: list[tuple[str, str, int]]) -> PairCase:
    return PairCase(
        set=set_,
        id=id_,
        question=f"question {set_} {id_}",
        answerable=ok,
        relevant_docs=["DOC-A"] if ok and set_ != "accept" else [],
        similarity=0.5,
        units=[ReadRecord(passage=p, kind=k, doc_id=p, position=i) for p, k, i in units],
    )


def test_the_best_unit_pays_the_rank_prior_of_its_hit() -> None:
    case = _case("s", "1", True, [("DOC-A", "sentence", 0), ("DOC-B", "sentence", 3)])
    # 2.0 - ln(4) = 0.61 < 1.0: the first hit's unit wins although its logit is lower.
    assert best_unit(case, [1.0, 2.0]) == (1.0, "DOC-A")
    assert best_unit(case, [1.0, 2.5]) == (2.5, "DOC-B")


def test_runs_take_their_logits_from_the_other_model_and_nothing_else_does() -> None:
    case = _case("s", "1", True, [("DOC-A", "step", 0), ("DOC-B", "procedure", 0)])
    logits, runs = {"s/1": [1.0, -3.0]}, {"s/1": [9.0, 2.0]}
    x, docs = features([case], logits, runs)
    assert x[0, 0] == 2.0 and docs == ["DOC-B"]
    x, docs = features([case], logits, None)
    assert x[0, 0] == 1.0 and docs == ["DOC-A"]


def test_the_harness_threshold_maximises_the_smaller_rate_ties_going_up() -> None:
    p = np.asarray([0.9, 0.8, 0.3, 0.2])
    y = np.asarray([True, True, False, False])
    assert harness_threshold(p, y) == 0.8


def _sets(accept_logits: list[float]) -> tuple[list[PairCase], dict[str, list[float]]]:
    """Three separable sets (answerable logit > 0 > unanswerable) and four acceptance cases
    (two to answer, two to refuse) with the given logits."""
    rng = random.Random(3)
    cases, logits = [], {}
    for s in ("t1", "t2", "t3"):
        for n in range(20):
            ok = n % 2 == 0
            doc = "DOC-A" if n % 4 == 0 or not ok else "DOC-B"
            cases.append(_case(s, str(n), ok, [(doc, "sentence", 0)]))
            logits[f"{s}/{n}"] = [rng.uniform(0.5, 3) if ok else rng.uniform(-3, -0.5)]
    for n, value in enumerate(accept_logits):
        cases.append(_case("accept", str(n), n < 2, [("DOC-A", "procedure", 0)]))
        logits[f"accept/{n}"] = [value]
    return cases, logits


def test_the_cap_is_feasible_only_when_acceptance_answers_outscore_acceptance_refusals() -> None:
    cases, logits = _sets([2.0, 1.5, -2.0, -2.5])
    verdict = judge(cases, logits)
    assert verdict.cap_feasible and verdict.answered > 0.9 and verdict.refused == 1.0
    assert verdict.loso_auc == 1.0 and verdict.document_right == 0.5
    cases, logits = _sets([2.0, -1.0, 1.5, -2.5])  # a refusal above an answer
    assert not judge(cases, logits).cap_feasible
