"""The retrieval reranker's rank prior: reranker logit minus w ln(1 + fused position)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest

from core.db.engine import Database
from core.settings import EmbeddingSettings, RetrievalSettings, Settings
from retrieval.memory_index import InMemoryVectorIndex
from retrieval.readers import OverlapReader
from services.wiring import make_retriever
from tests.contracts.retriever_contract import Corpus, scope

pytestmark = pytest.mark.integration

TEXTS = ["pump seal leak on line 1", "pump oil check", "pump valve open seal", "pump belt stop"]


class PrefersBelt(OverlapReader):
    """A reader sure that the belt passage answers (probability 0.9), unsure of the rest."""

    def score(self, question: str, passages: Sequence[str]) -> list[float]:
        return [0.9 if "belt" in p else 0.2 for p in passages]


def _search(tmp_path: Path, prior: float, reranker: OverlapReader | None) -> list[str]:
    db = Database(f"sqlite:///{tmp_path / 'r.db'}")
    db.upgrade()
    index = InMemoryVectorIndex()
    from retrieval.embedders import HashingEmbedder

    corpus = Corpus(db, index, HashingEmbedder(64))
    for i, text in enumerate(TEXTS):
        corpus.write(f"D{i}", [text])
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        home=tmp_path / "home",
        embedding=EmbeddingSettings(backend="hashing", dimension=64),
        retrieval=RetrievalSettings(rerank_candidates=10, rerank_rank_prior=prior),
    )
    retriever = make_retriever(settings, db, index, corpus.embedder, reranker)
    return [h.chunk.text for h in retriever.search("pump seal valve", scope(), 4)]


def test_without_a_prior_the_reader_decides_and_a_strong_prior_keeps_the_fused_order(
    tmp_path: Path,
) -> None:
    fused = _search(tmp_path / "a", 0.0, None)
    reread = _search(tmp_path / "b", 0.0, PrefersBelt())
    kept = _search(tmp_path / "c", 100.0, PrefersBelt())
    assert fused[0] != "pump belt stop" and reread[0] == "pump belt stop"
    assert kept == fused
    assert sorted(reread) == sorted(fused)
