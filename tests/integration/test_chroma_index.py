"""Real Chroma (embedded, on disk) passes the shared VectorIndex suite and survives reopening."""

from __future__ import annotations

from pathlib import Path

import pytest

from retrieval.adapters.chroma_index import ChromaVectorIndex, make_client
from tests.contracts.vector_index_contract import VectorIndexContract, add, make_chunk

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
