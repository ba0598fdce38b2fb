"""The in-memory fake passes the shared VectorIndex suite."""

from __future__ import annotations

import pytest

from retrieval.memory_index import InMemoryVectorIndex
from tests.contracts.vector_index_contract import VectorIndexContract

pytestmark = pytest.mark.unit


class TestInMemoryVectorIndex(VectorIndexContract):
    @pytest.fixture
    def index(self) -> InMemoryVectorIndex:
        return InMemoryVectorIndex()
