"""Offline threshold sweep: abstention re-decided from recorded support scores."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.support import SupportEvidence, SupportModel
from eval.threshold_sweep import best, decide, load_results, rescore, sweep
from tests.unit.evaluation.factories import case, result, src

pytestmark = pytest.mark.unit


def recorded() -> list:
    answerable = [
        result(case(f"a{i}"), [src("DOC-A")], abstained=False, support_score=p)
        for i, p in enumerate((0.9, 0.8, 0.6, 0.3))
    ]
    refused = [
        result(case(f"u{i}", answerable=False), [src("DOC-B")], abstained=False, support_score=p)
        for i, p in enumerate((0.7, 0.2, 0.1))
    ]
    return answerable + refused


def test_decide_turns_answers_below_the_threshold_into_abstentions() -> None:
    decided = {r.case.id: r for r in decide(recorded(), 0.5)}
    assert not decided["a2"].abstained and decided["a3"].abstained
    assert decided["a3"].citations == [] and decided["u1"].abstained and not decided["u0"].abstained


def test_sweep_trades_answered_for_refused_and_best_balances_them() -> None:
    rows = {r.threshold: r for r in sweep(recorded(), 0.25)}
    assert rows[0.0].answered_rate == 1.0 and rows[0.0].abstention_recall == 0.0
    assert rows[1.0].answered_rate == 0.0 and rows[1.0].abstention_recall == 1.0
    assert rows[0.5].first_citation_doc == 0.75
    chosen = best(list(rows.values()))
    # 0.5: answered 0.75, refused 0.67 (min 0.67) beats 0.75: answered 0.5, refused 1.0
    assert chosen.threshold == 0.5


def test_cases_without_a_support_score_keep_their_decision(tmp_path: Path) -> None:
    # An asset-history answer is decided by its own path and carries no support score.
    path = tmp_path / "cases.jsonl"
    other = result(case("a"), [src("DOC-A")])
    path.write_text(other.model_dump_json() + "\n", encoding="utf-8")
    loaded = load_results([path])
    assert loaded[0].support_score is None
    assert decide(loaded, 1.0)[0].abstained is False


def test_rescore_recomputes_support_from_the_evidence_and_keeps_other_cases() -> None:
    evidence = SupportEvidence(reader_logit=-2.0, similarity=0.5)
    with_evidence = result(case("a"), [src("DOC-A")], abstained=False, support_score=0.1)
    with_evidence = with_evidence.model_copy(update={"support_evidence": evidence})
    history = result(case("h"), [src("DOC-A")], abstained=False)
    model = SupportModel(reader_weight=1.0, similarity_weight=4.0, bias=0.0)
    got = {r.case.id: r for r in rescore([with_evidence, history], model)}
    assert got["a"].support_score == pytest.approx(0.5, abs=1e-4)  # sigmoid(-2 + 2)
    assert got["h"].support_score is None and got["h"] == history
