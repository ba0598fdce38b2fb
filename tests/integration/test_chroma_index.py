"""Real Chroma (embedded, on disk) passes the shared VectorIndex suite and survives reopening."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.models import Role
from retrieval.adapters.chroma_index import ChromaVectorIndex, make_client
from tests.contracts.vector_index_contract import (
    EMB,
    VectorIndexContract,
    add,
    make_chunk,
    scope,
)

pytestmark = pytest.mark.integration


def open_index(path: Path) -> ChromaVectorIndex:
    return ChromaVectorIndex(make_client("embedded", path, "", 0, None), "plant_chunks")


class TestChromaVectorIndex(VectorIndexContract):
    @pytest.fixture
    def index(self, tmp_path: Path) -> ChromaVectorIndex:
        return open_index(tmp_path / "chroma")


def test_data_persists_across_clients(tmp_path: Path) -> None:
    add(open_index(tmp_path / "c"), [make_chunk("D1", "v1", 0, "persist me")])
    assert open_index(tmp_path / "c").count() == 1


def test_collection_of_an_older_scope_codec_is_migrated_on_open(tmp_path: Path) -> None:
    index = open_index(tmp_path / "c")
    add(index, [make_chunk("D1", "v1", 0, "pump seal")])
    add(index, [make_chunk("D2", "v2", 0, "pump seal", site="dunmore")], current=False)
    collection = index._collection
    stale = {f"sc_{r.value}": None for r in Role}
    collection.update(ids=["v1-0", "v2-0"], metadatas=[stale, stale])
    collection.modify(metadata={"scope_codec": 1})
    assert open_index(tmp_path / "c").query(EMB.embed_query("pump"), scope(), 5) != []
    hits = open_index(tmp_path / "c").query(
        EMB.embed_query("pump"), scope(Role.OPERATOR, "dunmore", superseded=True), 5
    )
    assert [h.chunk.chunk_id for h in hits] == ["v2-0"]
