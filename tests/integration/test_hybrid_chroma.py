"""The hybrid retriever over a real (embedded, on-disk) Chroma passes the shared Retriever suite."""

from __future__ import annotations

from pathlib import Path

import pytest

from retrieval.adapters.chroma_index import ChromaVectorIndex, make_client
from tests.contracts.retriever_contract import RetrieverContract

pytestmark = pytest.mark.integration


class TestHybridOverChroma(RetrieverContract):
    @pytest.fixture
    def index(self, tmp_path: Path) -> ChromaVectorIndex:
        return ChromaVectorIndex(
            make_client("embedded", tmp_path / "chroma", "", 0, None), "chunks"
        )
