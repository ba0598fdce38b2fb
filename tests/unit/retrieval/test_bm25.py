"""Keyword analysis and the BM25 snapshot: plant tokens stay matchable, the scope is a mask."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.models import AccessScope, Chunk, Role
from core.ports import ScoredChunk
from retrieval.adapters.analyzer import analyze, query_terms
from retrieval.adapters.bm25_index import BM25Snapshot
from tests.contracts.vector_index_contract import make_chunk

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Torque the coupling on CONV-3", {"conv3", "conv", "3", "torqu", "coupl"}),
        ("IMM-4 heater band", {"imm4", "imm", "4"}),
        ("imm 4", {"imm4"}),
        ("P-301 seal", {"p301", "301"}),
        ("45 Nm", {"45", "nm", "45nm"}),
        ("45Nm", {"45nm"}),
        ("2.5 bar", {"2.5", "2.5bar"}),
    ],
)
def test_analyzer_keeps_tags_and_quantities(text: str, expected: set[str]) -> None:
    assert expected <= set(analyze(text))


def test_analyzer_stems_and_drops_stopwords() -> None:
    assert analyze("Clearing the jams") == ["clear", "jam"]
    assert "3clear" not in analyze("Step 3. Clear the jam")  # units are short, sentences are not


def test_query_terms_are_distinct() -> None:
    assert query_terms("pump pump seal") == ["pump", "seal"]


def scope(role: Role = Role.OPERATOR, *sites: str, superseded: bool = False) -> AccessScope:
    return AccessScope(
        role=role, sites=frozenset(sites or ("brookfield",)), include_superseded=superseded
    )


def corpus() -> list[ScoredChunk]:
    rows = [
        (make_chunk("A", "a1", 0, "Torque the CONV-3 coupling to 45 Nm"), True),
        (make_chunk("B", "b1", 0, "Torque the CONV-4 coupling to 60 Nm"), True),
        (make_chunk("C", "c1", 0, "IMM-4 heater band replacement", site="dunmore"), True),
        (make_chunk("D", "d1", 0, "P-301 seal leak", audience=frozenset({Role.QUALITY})), True),
        (make_chunk("E", "e1", 0, "P-301 seal leak old revision"), False),
        (make_chunk("F", "f1", 0, "P-301 seal leak company wide", site="all"), True),
    ]
    return [ScoredChunk(chunk=c, current=cur, score=0.0) for c, cur in rows]


def ids(snapshot: BM25Snapshot, question: str, s: AccessScope, k: int = 10) -> list[str]:
    return [h.chunk_id for h in snapshot.search(question, s, k)]


def test_asset_tag_and_spec_rank_the_right_chunk_first() -> None:
    snap = BM25Snapshot.build(corpus(), generation=1)
    assert ids(snap, "torque for CONV-3", scope())[0] == "a1-0"
    assert ids(snap, "which coupling is 45Nm", scope())[0] == "a1-0"
    assert ids(snap, "IMM-4", scope(Role.OPERATOR, "dunmore")) == ["c1-0"]


def test_scope_is_applied_inside_scoring_even_for_large_k() -> None:
    snap = BM25Snapshot.build(corpus(), generation=1)
    assert ids(snap, "P-301 seal leak", scope(), k=100) == ["f1-0"]
    assert set(ids(snap, "P-301 seal leak", scope(Role.QUALITY), k=100)) == {"d1-0", "f1-0"}
    got = set(ids(snap, "P-301 seal leak", scope(Role.OPERATOR, superseded=True), k=100))
    assert got == {"e1-0", "f1-0"}
    assert ids(snap, "heater band", scope()) == []  # dunmore only


def test_no_matching_terms_and_empty_corpus_give_nothing() -> None:
    snap = BM25Snapshot.build(corpus(), generation=1)
    assert ids(snap, "zebra", scope()) == []
    assert ids(snap, "", scope()) == []
    assert BM25Snapshot.build([], generation=0).search("seal", scope(), 5) == []


def test_ties_break_by_chunk_id_and_k_is_respected() -> None:
    same = [
        ScoredChunk(chunk=make_chunk(f"D{i}", f"v{i}", 0, "identical pump text"), score=0.0)
        for i in (3, 1, 2)
    ]
    snap = BM25Snapshot.build(same, generation=1)
    assert ids(snap, "pump", scope()) == ["v1-0", "v2-0", "v3-0"]
    assert ids(snap, "pump", scope(), k=2) == ["v1-0", "v2-0"]


def test_save_and_load_round_trip(tmp_path: Path) -> None:
    snap = BM25Snapshot.build(corpus(), generation=7)
    snap.save(tmp_path / "s")
    loaded = BM25Snapshot.load(tmp_path / "s")
    assert loaded is not None
    assert loaded.generation == 7 and loaded.size == snap.size
    question, s = "P-301 seal leak", scope(Role.QUALITY)
    assert loaded.search(question, s, 5) == snap.search(question, s, 5)
    assert BM25Snapshot.load(tmp_path / "missing") is None


def test_chunk_with_no_tokens_is_indexed_without_error() -> None:
    chunk: Chunk = make_chunk("Z", "z1", 0, "— · —")
    snap = BM25Snapshot.build([ScoredChunk(chunk=chunk, score=0.0)], generation=1)
    assert snap.search("anything", scope(), 3) == []


def test_locate_maps_version_and_ordinals_to_ids(tmp_path: Path) -> None:
    items = [ScoredChunk(chunk=make_chunk("D", "v1", i, f"text {i}"), score=0.0) for i in range(4)]
    snap = BM25Snapshot.build(items, generation=1)
    assert snap.locate("v1", [3, 1, 9]) == ["v1-3", "v1-1"]
    assert snap.locate("unknown", [0]) is None
    snap.save(tmp_path / "s")
    loaded = BM25Snapshot.load(tmp_path / "s")
    assert loaded is not None and loaded.locate("v1", [0]) == ["v1-0"]
