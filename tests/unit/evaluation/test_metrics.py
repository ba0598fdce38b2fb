"""Metrics on hand-made rankings: values worked out by hand in each test."""

from __future__ import annotations

import math

import pytest

from core.models import Role
from eval.golden_set import RelevantRef
from eval.metrics import (
    abstention_metrics,
    citation_precision,
    compute_metrics,
    doc_gains,
    fact_presence,
    hit_at,
    key_fact_presence,
    leaks_of,
    ndcg_at,
    recall_at,
    reciprocal_rank,
    section_gains,
    section_matches,
    sliced_metrics,
)
from tests.unit.evaluation.factories import case, result, src

pytestmark = pytest.mark.unit

A, B = frozenset({0}), frozenset({1})
NONE: frozenset[int] = frozenset()


def test_hit_mrr_ndcg_recall_on_a_hand_made_ranking() -> None:
    gains = [NONE, A, NONE, B, NONE]  # two relevant units, found at ranks 2 and 4
    assert hit_at(gains, 1) == 0.0
    assert hit_at(gains, 3) == 1.0
    assert reciprocal_rank(gains, 10) == 0.5
    assert reciprocal_rank(gains, 1) == 0.0
    dcg = 1 / math.log2(3) + 1 / math.log2(5)
    ideal = 1 + 1 / math.log2(3)
    assert ndcg_at(gains, 2, 10) == pytest.approx(dcg / ideal)
    assert recall_at(gains, 2, 3) == 0.5
    assert recall_at(gains, 2, 10) == 1.0


def test_a_unit_counts_once_so_ndcg_stays_at_most_one() -> None:
    assert ndcg_at([A, A, A], 1, 10) == 1.0
    assert ndcg_at([NONE, A], 1, 10) == pytest.approx(1 / math.log2(3))
    assert ndcg_at([], 0, 10) == 0.0


def test_doc_level_collapses_repeated_documents() -> None:
    relevant = [RelevantRef(doc_id="DOC-A"), RelevantRef(doc_id="DOC-B", section="X")]
    hits = [src("DOC-C"), src("DOC-C"), src("DOC-B"), src("DOC-A")]
    gains, n = doc_gains(relevant, hits)
    assert n == 2
    assert gains == [NONE, B, A]  # DOC-C once, then DOC-B (rank 2), DOC-A (rank 3)
    assert reciprocal_rank(gains) == 0.5


def test_section_level_needs_every_given_locator() -> None:
    ref = RelevantRef(doc_id="MAN", section="2 Safety devices", page=2)
    assert section_matches(ref, src("MAN", ("Manual", "2  SAFETY devices"), page=2))
    assert not section_matches(ref, src("MAN", ("Manual", "2 Safety devices"), page=3))
    assert not section_matches(ref, src("MAN", ("Manual", "3 Operation"), page=2))
    assert section_matches(RelevantRef(doc_id="WO", row=7), src("WO", row=7))
    assert not section_matches(RelevantRef(doc_id="WO", row=7), src("WO", row=8))
    assert section_matches(RelevantRef(doc_id="MAN"), src("MAN", ("Any",)))
    assert not section_matches(RelevantRef(doc_id="MAN"), src("OTHER"))


def test_section_gains_count_every_hit() -> None:
    relevant = [RelevantRef(doc_id="SOP", section="PPE"), RelevantRef(doc_id="SOP")]
    hits = [src("SOP", ("SOP", "Procedure")), src("SOP", ("SOP", "PPE"))]
    gains, n = section_gains(relevant, hits)
    assert n == 2
    assert gains == [B, frozenset({0, 1})]


def test_ranking_metrics_are_averaged_over_answerable_questions_only() -> None:
    good = result(case("q1"), [src("DOC-A")])
    miss = result(case("q2"), [src("DOC-X"), src("DOC-Y"), src("DOC-A")])
    unanswerable = result(case("q3", answerable=False), [src("DOC-Z")])
    m = compute_metrics([good, miss, unanswerable])
    assert m["hit@1"] == 0.5
    assert m["hit@3"] == 1.0
    assert m["mrr@10"] == pytest.approx(round((1 + 1 / 3) / 2, 4))
    assert m["questions"] == 3 and m["answerable"] == 2


def test_citation_precision_over_answered_answerable_questions() -> None:
    c = case("q1", relevant=[RelevantRef(doc_id="DOC-A"), RelevantRef(doc_id="DOC-B")])
    half = result(c, [], citations=[src("DOC-A"), src("DOC-X")])
    full = result(case("q2"), [], citations=[src("DOC-A")])
    abstained = result(case("q3"), [], citations=[src("DOC-X")], abstained=True)
    uncited = result(case("q4"), [], citations=[])
    assert citation_precision([half, full, abstained]) == 0.75
    assert citation_precision([full, uncited]) == 0.5
    assert citation_precision([abstained]) is None


def test_abstention_precision_recall_and_accuracy() -> None:
    rows = [
        result(case("a1"), [], abstained=False),  # correct answer
        result(case("a2"), [], abstained=True),  # false abstention
        result(case("u1", answerable=False), [], abstained=True),  # correct abstention
        result(case("u2", answerable=False), [], abstained=False),  # missed abstention
    ]
    m = abstention_metrics(rows)
    assert m["abstention_precision"] == 0.5
    assert m["abstention_recall"] == 0.5
    assert m["abstention_accuracy"] == 0.5
    assert abstention_metrics([rows[0]])["abstention_precision"] is None


def test_key_fact_presence_normalises_whitespace_and_case() -> None:
    assert fact_presence("Torque the bolts to 45  NM, then check.", ["45 Nm", "90 Nm"]) == 0.5
    c = case("q1", must_include=["80 °C", "25 min"])
    assert key_fact_presence([result(c, [], answer="Hold at 80 °C for\n25 MIN.")]) == 1.0
    assert key_fact_presence([result(c, [], answer="no", abstained=True)]) == 0.0


def test_leaks_foreign_site_role_superseded_and_hidden_facts() -> None:
    c = case("p1", answerable=False, notes="probe: BRK-INC-1 is an incident")
    c.hidden_facts = ["pocket 7"]
    operator_blocked = frozenset({Role.TECHNICIAN, Role.ADMIN})
    r = result(
        c,
        [src("OK"), src("DUN", site="dunmore"), src("INC", audience=operator_blocked)],
        citations=[src("OLD", current=False), src("ALL", site="all")],
        answer="It was a broken edge on Pocket  7.",
    )
    leaks = leaks_of(r)
    assert len(leaks) == 4
    assert any("DUN" in x for x in leaks) and any("INC" in x for x in leaks)
    assert any("OLD" in x for x in leaks) and any("pocket 7" in x for x in leaks)
    assert compute_metrics([r])["leaks"] == 4
    clean = result(case("q1"), [src("DOC-A"), src("ALL", site="all")])
    assert leaks_of(clean) == []


def test_hidden_facts_only_count_for_probes() -> None:
    c = case("q1", hidden_facts=["2.0%"])
    assert leaks_of(result(c, [src("DOC-A")])) == []


def test_latency_percentiles_and_slices() -> None:
    rows = [
        result(case(f"q{i}", site=site), [src("DOC-A")], search_ms=float(i), ask_ms=10.0 * i)
        for i, site in enumerate(["brookfield", "calder", "calder", "dunmore", "dunmore"], 1)
    ]
    m = compute_metrics(rows)
    assert m["search_p50_ms"] == 3.0
    assert m["ask_p95_ms"] == pytest.approx(48.0)
    sliced = sliced_metrics(rows)
    assert set(sliced) == {"site", "role", "doc_type"}
    assert sliced["site"]["calder"]["questions"] == 2
    assert sliced["role"]["operator"]["questions"] == 5


def test_empty_results_give_none_not_errors() -> None:
    m = compute_metrics([])
    assert m["questions"] == 0 and m["hit@5"] is None and m["search_p50_ms"] is None
