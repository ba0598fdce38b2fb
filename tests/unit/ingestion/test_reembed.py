"""Embedder stamps on an index: claimed when empty, legacy indexes, in-place re-embedding."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from core.db.engine import Database
from core.embedder_stamp import EmbedderStamp, require_compatible
from core.errors import EmbedderMismatchError
from core.registry import index_generation
from ingestion.reembed import claim_or_check, reembed_if_needed
from retrieval.embedders import HashingEmbedder
from retrieval.memory_index import InMemoryVectorIndex
from tests.contracts.vector_index_contract import add, make_chunk

pytestmark = pytest.mark.unit


class NamedHashing(HashingEmbedder):
    """A hashing embedder posing as another model (same dimension, other id)."""

    def __init__(self, model_id: str, dimension: int = 64) -> None:
        super().__init__(dimension)
        self._id = model_id

    @property
    def model_id(self) -> str:
        return self._id


def test_empty_index_is_claimed_by_the_first_writer() -> None:
    index = InMemoryVectorIndex()
    claim_or_check(index, HashingEmbedder(64))
    assert index.embedder_stamp() == EmbedderStamp(model_id="hashing-64", dimension=64)


def test_unstamped_index_is_taken_as_torch_minilms() -> None:
    index = InMemoryVectorIndex()
    add(index, [make_chunk("D1", "v1", 0, "pump seal")])
    with pytest.raises(EmbedderMismatchError, match="all-MiniLM-L6-v2"):
        require_compatible(index, HashingEmbedder(64))
    claim_or_check(index, NamedHashing("all-MiniLM-L6-v2", 384))
    assert index.embedder_stamp() == EmbedderStamp(model_id="all-MiniLM-L6-v2", dimension=384)


def test_reembed_all_replaces_every_vector_and_bumps_the_generation(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'r.db'}")
    db.upgrade()
    index = InMemoryVectorIndex()
    chunks = [make_chunk("D1", "v1", i, f"text number {i}") for i in range(5)]
    claim_or_check(index, HashingEmbedder(64))
    add(index, chunks)
    new = NamedHashing("other-model")
    with pytest.raises(EmbedderMismatchError, match="without --site"):
        reembed_if_needed(db, index, new, "brookfield")
    with db.session() as s:
        before = index_generation(s)
    assert reembed_if_needed(db, index, new, None) == 5
    with db.session() as s:
        assert index_generation(s) == before + 1
    assert index.embedder_stamp() == EmbedderStamp(model_id="other-model", dimension=64)
    require_compatible(index, new)
    got = dict(index.all_embeddings())
    for chunk in chunks:
        assert np.allclose(got[chunk.chunk_id], new.embed_query(chunk.text))
    assert reembed_if_needed(db, index, new, None) == 0  # nothing left to do


def test_interrupted_reembedding_is_refused_for_everyone() -> None:
    index = InMemoryVectorIndex()
    add(index, [make_chunk("D1", "v1", 0, "pump seal")])
    index.set_embedder_stamp(EmbedderStamp(model_id="hashing-64", dimension=64, complete=False))
    with pytest.raises(EmbedderMismatchError, match="interrupted"):
        require_compatible(index, HashingEmbedder(64))
