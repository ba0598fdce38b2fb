"""The search service: validation of role, site, question and k; scoped hits; latency."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.errors import UnknownRoleError, UnknownSiteError, UsageError
from retrieval.memory_index import InMemoryVectorIndex
from services.search import run_search, search
from services.wiring import Components, build
from tests.contracts.retriever_contract import Corpus
from tests.helpers import make_settings

pytestmark = pytest.mark.unit


@pytest.fixture
def components(tmp_path: Path) -> Components:
    built = build(make_settings(tmp_path / "home"), index=InMemoryVectorIndex())
    corpus = Corpus(built.db, built.index, built.embedder())
    corpus.write("BRK-SOP-1", ["Clear a bottle jam on FILLER-2: stop, lock out, remove."])
    corpus.write("DUN-SOP-1", ["Clear a bottle jam on FILLER-2 at Dunmore."], site="dunmore")
    return built


def test_search_returns_hits_of_the_site_only(components: Components) -> None:
    hits = search(components, "bottle jam FILLER-2", "brookfield", "operator", 5)
    assert [h.chunk.doc_id for h in hits] == ["BRK-SOP-1"]
    hits = search(components, "bottle jam FILLER-2", "Dunmore", "Technician", 5)
    assert [h.chunk.doc_id for h in hits] == ["DUN-SOP-1"]


def test_latency_is_recorded(components: Components) -> None:
    result = run_search(components, "bottle jam", "brookfield", "operator")
    assert result.latency_ms["total"] > 0
    assert {"dense", "keyword", "fuse_guard"} <= set(result.latency_ms)
    assert result.scope.role.value == "operator"


def test_invalid_requests_are_usage_errors(components: Components) -> None:
    with pytest.raises(UnknownRoleError, match="valid: operator"):
        search(components, "jam", "brookfield", "boss", 5)
    with pytest.raises(UnknownSiteError, match="known: brookfield, dunmore"):
        search(components, "jam", "nowhere", "operator", 5)
    with pytest.raises(UsageError):
        search(components, "   ", "brookfield", "operator", 5)
    with pytest.raises(UsageError):
        search(components, "jam", "brookfield", "operator", 0)


def test_retriever_is_built_once(components: Components) -> None:
    assert components.retriever() is components.retriever()


def test_keyword_index_is_persisted_under_home(components: Components) -> None:
    search(components, "bottle jam", "brookfield", "operator", 3)
    store = components.settings.keyword_path
    assert store == components.settings.home / "bm25"
    assert [p.name for p in store.iterdir() if p.name.isdigit()]
