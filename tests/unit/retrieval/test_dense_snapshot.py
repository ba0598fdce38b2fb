"""Exact scoped dense search on the index snapshot, and when the retriever may use it."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from core.db.engine import Database
from core.models import AccessScope, Role
from core.registry import bump_generation
from core.settings import RetrievalSettings
from retrieval.adapters.bm25_index import BM25Snapshot, synced_index
from retrieval.dense_matrix import build_matrix, top_k
from retrieval.embedders import HashingEmbedder
from retrieval.hybrid import HybridRetriever
from retrieval.memory_index import InMemoryVectorIndex
from tests.contracts.vector_index_contract import EMB, add, make_chunk

pytestmark = pytest.mark.unit
SCOPE = AccessScope(role=Role.OPERATOR, sites=frozenset({"brookfield"}))


def test_top_k_is_exact_masked_and_breaks_ties_by_row() -> None:
    matrix = np.array([[1, 0], [0.5, 0.5], [1, 0], [0, 1]], dtype=np.float32)
    mask = np.array([True, True, True, False])
    assert top_k(matrix, mask, np.array([1, 0], dtype=np.float32), 2) == [(0, 1.0), (2, 1.0)]
    assert [r for r, _ in top_k(matrix, mask, np.array([0, 1], dtype=np.float32), 5)] == [1, 0, 2]
    assert top_k(matrix, np.zeros(4, dtype=bool), np.array([1, 0], dtype=np.float32), 3) == []


def test_build_matrix_flags_chunks_without_a_vector() -> None:
    vectors = [("b", np.array([0, 1], dtype=np.float32)), ("zzz", np.ones(2, dtype=np.float32))]
    matrix, found = build_matrix(["a", "b"], vectors)
    assert found.tolist() == [False, True] and matrix[1].tolist() == [0, 1]


def corpus_index() -> InMemoryVectorIndex:
    index = InMemoryVectorIndex()
    add(index, [make_chunk("A", "a1", 0, "pump seal leak")])
    add(index, [make_chunk("B", "b1", 0, "pump seal leak at dunmore", site="dunmore")])
    add(index, [make_chunk("C", "c1", 0, "pump seal old")], current=False)
    add(index, [make_chunk("D", "d1", 0, "pump seal qa", audience=frozenset({Role.QUALITY}))])
    add(index, [make_chunk("E", "e1", 0, "caustic wash")])
    return index


def test_snapshot_dense_search_matches_the_index_query(tmp_path: Path) -> None:
    index = corpus_index()
    snap = BM25Snapshot.from_index(index, generation=3, vectors=True)
    vector = EMB.embed_query("pump seal")
    expected = [(h.chunk.chunk_id, h.score) for h in index.query(vector, SCOPE, 10)]
    got = snap.dense_search(vector, SCOPE, 10)
    assert got is not None
    assert [(h.chunk_id, pytest.approx(h.score, abs=1e-5)) for h in got] == expected
    snap.save(tmp_path / "s")
    assert BM25Snapshot.load(tmp_path / "s", vectors=True) is not None
    assert BM25Snapshot.from_index(index, 3, vectors=False).dense_search(vector, SCOPE, 3) is None
    BM25Snapshot.from_index(index, 3, vectors=False).save(tmp_path / "nov")
    assert BM25Snapshot.load(tmp_path / "nov", vectors=True) is None


def test_synced_dense_search_only_while_current(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'd.db'}")
    db.upgrade()
    index = corpus_index()
    synced = synced_index(index, db, None, vectors=True, background=True)
    vector = EMB.embed_query("pump seal")
    assert [h.chunk_id for h in synced.dense_search(vector, SCOPE, 3) or []] == ["a1-0", "e1-0"]
    with db.session() as s:
        bump_generation(s)
    add(index, [make_chunk("F", "f1", 0, "pump seal new")])
    assert synced.dense_search(vector, SCOPE, 3) is None  # stale: the index must answer
    synced.wait_for_refresh()
    assert "f1-0" in [h.chunk_id for h in synced.dense_search(vector, SCOPE, 3) or []]


def test_retriever_gives_the_same_hits_with_or_without_the_dense_snapshot(
    tmp_path: Path,
) -> None:
    db = Database(f"sqlite:///{tmp_path / 'h.db'}")
    db.upgrade()
    from tests.contracts.retriever_contract import Corpus

    index = InMemoryVectorIndex()
    corpus = Corpus(db, index, HashingEmbedder(128))
    for i in range(15):
        corpus.write(
            f"D{i}", [f"conveyor {i} belt tracking CONV-{i}"], site=("all", "brookfield")[i % 2]
        )
    snapshot = synced_index(index, db, None, vectors=True)
    settings = RetrievalSettings()
    plain = HybridRetriever(index, corpus.embedder, snapshot, db, settings)
    cached = HybridRetriever(index, corpus.embedder, snapshot, db, settings, dense_cache=snapshot)
    for question in ("conveyor belt", "CONV-3 tracking", "belt 7"):
        snapshot.snapshot()
        a = [(h.chunk.chunk_id, h.rank) for h in plain.search(question, SCOPE, 8)]
        b = [(h.chunk.chunk_id, h.rank) for h in cached.search(question, SCOPE, 8)]
        assert a == b


class GetCounting(InMemoryVectorIndex):
    def __init__(self) -> None:
        super().__init__()
        self.fetched = 0

    def get(self, chunk_ids):  # type: ignore[no-untyped-def]
        self.fetched += len(chunk_ids)
        return super().get(chunk_ids)


def test_only_the_candidates_needed_are_fetched(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'n.db'}")
    db.upgrade()
    from tests.contracts.retriever_contract import Corpus

    index = GetCounting()
    corpus = Corpus(db, index, HashingEmbedder(128))
    for i in range(40):
        corpus.write(f"D{i}", [f"filler valve {i} inspection"])
    snapshot = synced_index(index, db, None, vectors=True)
    retriever = HybridRetriever(
        index, corpus.embedder, snapshot, db, RetrievalSettings(), dense_cache=snapshot
    )
    hits = retriever.search("filler valve inspection", SCOPE, 2)
    assert len(hits) == 2
    assert index.fetched == 4  # 2 x k, not the 60 fused candidates


def test_saved_snapshot_of_another_embedders_vectors_is_not_reused(tmp_path: Path) -> None:
    from core.embedder_stamp import EmbedderStamp

    index = InMemoryVectorIndex()
    add(index, [make_chunk("D1", "v1", 0, "pump seal leak")])
    index.set_embedder_stamp(EmbedderStamp(model_id="model-a", dimension=64))
    BM25Snapshot.from_index(index, 3, vectors=True).save(tmp_path / "g3")
    loaded = BM25Snapshot.load(tmp_path / "g3", vectors=True, embedder="model-a")
    assert loaded is not None and loaded.embedder == "model-a" and loaded.vectors is not None
    assert BM25Snapshot.load(tmp_path / "g3", vectors=True, embedder="model-b") is None
    assert BM25Snapshot.load(tmp_path / "g3", vectors=False, embedder="model-b") is not None


def test_top_k_gives_the_same_rows_for_broad_and_narrow_masks() -> None:
    rng = np.random.default_rng(7)
    matrix = rng.standard_normal((400, 16)).astype(np.float32)
    query = rng.standard_normal(16).astype(np.float32)
    for share in (0.05, 0.2, 0.3, 0.9):  # below and above the full-product switch (25%)
        mask = rng.random(400) < share
        rows = np.flatnonzero(mask)
        expected = rows[np.argsort(-(matrix[rows] @ query), kind="stable")][:5]
        assert [r for r, _ in top_k(matrix, mask, query, 5)] == expected.tolist()


def test_a_loaded_snapshot_memory_maps_its_vectors_and_searches_the_same(tmp_path: Path) -> None:
    index = corpus_index()
    built = BM25Snapshot.from_index(index, 1, vectors=True)
    built.save(tmp_path / "snap")
    loaded = BM25Snapshot.load(tmp_path / "snap", vectors=True)
    assert loaded is not None and isinstance(loaded.vectors, np.memmap)
    vector = EMB.embed_query("pump seal")
    assert loaded.dense_search(vector, SCOPE, 5) == built.dense_search(vector, SCOPE, 5)
    assert loaded.search("pump seal", SCOPE, 5) == built.search("pump seal", SCOPE, 5)
