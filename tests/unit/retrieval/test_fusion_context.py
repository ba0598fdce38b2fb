"""Reciprocal rank fusion, duplicate collapse and step detection, in isolation."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from core.models import Chunk
from retrieval.context import continues, first_step, join_text, step_context, step_numbers
from retrieval.fusion import collapse_duplicates, reciprocal_rank_fusion
from retrieval.memory_index import InMemoryVectorIndex
from tests.contracts.vector_index_contract import add, make_chunk

pytestmark = pytest.mark.unit


def test_rrf_rewards_agreement_and_keeps_scores() -> None:
    fused = reciprocal_rank_fusion([("a", 0.9), ("b", 0.8)], [("b", 7.0), ("c", 5.0)], rrf_k=60)
    assert [f.chunk_id for f in fused] == ["b", "a", "c"]
    b = fused[0]
    assert (b.dense_rank, b.keyword_rank, b.dense_score, b.keyword_score) == (2, 1, 0.8, 7.0)
    assert b.score == pytest.approx(1 / 62 + 1 / 61)


def test_rrf_weights_and_deterministic_ties() -> None:
    fused = reciprocal_rank_fusion([("x", 1.0)], [("y", 1.0)], rrf_k=10, keyword_weight=2.0)
    assert [f.chunk_id for f in fused] == ["y", "x"]
    tie = reciprocal_rank_fusion([("m", 1.0)], [("k", 1.0)], rrf_k=10)
    assert [f.chunk_id for f in tie] == ["k", "m"]  # same score and rank: by chunk_id
    assert reciprocal_rank_fusion([], [], rrf_k=60) == []


def test_rrf_ignores_repeated_ids_within_one_list() -> None:
    fused = reciprocal_rank_fusion([("a", 1.0), ("a", 0.5)], [], rrf_k=60)
    assert len(fused) == 1 and fused[0].score == pytest.approx(1 / 61)


def test_collapse_duplicates_exact_and_near() -> None:
    texts = [
        "Open the guard, remove the caps.",
        "OPEN the guard; remove the caps",
        "Open the guard, remove all the caps.",
        "Something else entirely.",
    ]
    assert collapse_duplicates(texts, str, threshold=1.0) == [texts[0], texts[2], texts[3]]
    assert collapse_duplicates(texts, str, threshold=0.8) == [texts[0], texts[3]]


def test_step_detection() -> None:
    text = "SOP — Procedure\n1. Stop.\n2) Isolate.\nStep 3: Lock.\nPressure 2.5 bar max."
    assert step_numbers(text) == [1, 2, 3]
    assert first_step("Header line\n4. Verify zero energy.") == 4
    assert first_step("Header\nIntro text\nmore\n5. late") is None


def test_continues_needs_same_section_version_and_next_number() -> None:
    a = make_chunk("D", "v1", 0, "H\n1. one\n2. two")
    b = make_chunk("D", "v1", 1, "H\n3. three")
    c = make_chunk("D", "v1", 1, "H\n5. five")
    assert continues(a, b) and not continues(a, c) and not continues(b, a)
    other = b.model_copy(update={"section_path": ("Other",)})
    assert not continues(a, other)
    assert join_text([a, b]) == "H\n1. one\n2. two\n3. three"


class CountingIndex(InMemoryVectorIndex):
    def __init__(self) -> None:
        super().__init__()
        self.lookups = 0

    def chunks_at(self, version_key: str, ordinals: Sequence[int]) -> list[Chunk]:
        self.lookups += 1
        return super().chunks_at(version_key, ordinals)


def test_step_context_looks_up_neighbours_only_when_a_procedure_may_continue() -> None:
    index = CountingIndex()
    chunks = [
        make_chunk("D", "v1", 0, "H\n1. one\n2. two\nNotes follow."),
        make_chunk("D", "v1", 1, "H\n3. three\n4. four"),
        make_chunk("D", "v1", 2, "H\n5. five"),
    ]
    add(index, chunks)
    assert step_context(chunks[0], index, 3, 5000) is None
    assert index.lookups == 0  # the steps are followed by prose: nothing to join
    joined = step_context(chunks[1], index, 3, 5000)
    assert joined is not None and [c.ordinal for c in joined] == [0, 1, 2]
    assert step_context(chunks[2], index, 3, 5000) is not None  # joins backwards
    assert step_context(chunks[1], index, 3, 20) is None  # over the character budget


class FixedLocator:
    def __init__(self, ids: dict[str, dict[int, str]]) -> None:
        self.ids = ids

    def locate(self, version_key: str, ordinals: Sequence[int]) -> list[str] | None:
        known = self.ids.get(version_key)
        return None if known is None else [known[o] for o in ordinals if o in known]


def test_step_context_fetches_neighbours_by_id_when_located() -> None:
    index = CountingIndex()
    chunks = [make_chunk("D", "v1", 0, "H\n1. one"), make_chunk("D", "v1", 1, "H\n2. two")]
    add(index, chunks)
    locator = FixedLocator({"v1": {0: "v1-0", 1: "v1-1"}})
    joined = step_context(chunks[0], index, 2, 5000, locator)
    assert joined is not None and index.lookups == 0
    stale = FixedLocator({"v1": {0: "v1-0", 1: "v1-1", 2: "gone"}})  # deleted since: fall back
    assert step_context(chunks[0], index, 2, 5000, stale) is not None and index.lookups == 1
    assert step_context(chunks[0], index, 2, 5000, FixedLocator({})) is not None
    assert index.lookups == 2
