"""The hybrid retriever over the in-memory index passes the shared Retriever suite."""

from __future__ import annotations

import pytest

from retrieval.memory_index import InMemoryVectorIndex
from tests.contracts.retriever_contract import RetrieverContract

pytestmark = pytest.mark.unit


class TestHybridOverMemoryIndex(RetrieverContract):
    @pytest.fixture
    def index(self) -> InMemoryVectorIndex:
        return InMemoryVectorIndex()
