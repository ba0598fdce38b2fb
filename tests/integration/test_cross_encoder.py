"""The optional cross-encoder path, with a tiny randomly initialised BERT made by the test.

No cross-encoder ships offline, so the test builds one (WordPiece vocab, 2 layers, hidden 32)
in tmp_path; it checks that reranking runs, reorders deterministically and is wired by settings.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from core.db.engine import Database
from core.errors import BackendUnavailableError
from core.settings import EmbeddingSettings, RetrievalSettings, Settings
from retrieval.adapters.cross_encoder import CrossEncoderReranker
from retrieval.hybrid import HybridRetriever
from retrieval.memory_index import InMemoryVectorIndex
from services.wiring import make_reranker, make_retriever
from tests.contracts.retriever_contract import Corpus, scope

pytestmark = pytest.mark.integration

WORDS = [
    "the",
    "a",
    "to",
    "of",
    "and",
    "on",
    "for",
    "is",
    "pump",
    "seal",
    "leak",
    "filler",
    "jam",
    "guard",
    "torque",
    "coupling",
    "conv",
    "lockout",
    "step",
    "stop",
    "line",
    "open",
    "close",
    "remove",
    "check",
    "bar",
    "nm",
    "oil",
    "valve",
    "belt",
]


def tiny_cross_encoder(path: Path) -> Path:
    import torch
    from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

    path.mkdir(parents=True)
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *WORDS, *"0123456789-."]
    (path / "vocab.txt").write_text("\n".join(vocab) + "\n", encoding="utf-8")
    torch.manual_seed(0)
    config = BertConfig(
        vocab_size=len(vocab),
        hidden_size=32,
        num_hidden_layers=2,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=128,
        num_labels=1,
    )
    BertForSequenceClassification(config).save_pretrained(path)
    BertTokenizer(str(path / "vocab.txt")).save_pretrained(path)
    return path


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tiny_cross_encoder(tmp_path_factory.mktemp("ce") / "tiny-bert")


def test_scores_are_deterministic_and_differ(model_dir: Path) -> None:
    passages = ["pump seal leak", "filler jam guard", "torque coupling 45 nm"]
    first = CrossEncoderReranker(model_dir).score("pump seal", passages)
    again = CrossEncoderReranker(model_dir).score("pump seal", passages)
    assert first == again and len(set(first)) == 3
    assert CrossEncoderReranker(model_dir).score("x", []) == []


def test_missing_model_is_a_backend_error(tmp_path: Path) -> None:
    with pytest.raises(BackendUnavailableError):
        CrossEncoderReranker(tmp_path / "nope").score("q", ["p"])


def test_configured_reranker_reorders_hits_by_its_score(model_dir: Path, tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'r.db'}")
    db.upgrade()
    index = InMemoryVectorIndex()
    from retrieval.embedders import HashingEmbedder

    corpus = Corpus(db, index, HashingEmbedder(64))
    texts = ["pump seal leak on line 1", "pump oil check", "pump valve open", "pump belt stop"]
    for i, text in enumerate(texts):
        corpus.write(f"D{i}", [text])
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        home=tmp_path / "home",
        embedding=EmbeddingSettings(backend="hashing", dimension=64),
        retrieval=RetrievalSettings(rerank_model_path=model_dir, rerank_candidates=10),
    )
    assert isinstance(make_reranker(settings), CrossEncoderReranker)
    retriever = make_retriever(settings, db, index, corpus.embedder, make_reranker(settings))
    assert isinstance(retriever, HybridRetriever)
    hits = retriever.search("pump", scope(), 4)
    assert len(hits) == 4 and all(h.rerank_score is not None for h in hits)
    expected = CrossEncoderReranker(model_dir).score("pump", [h.chunk.text for h in hits])
    assert [h.rerank_score for h in hits] == sorted(expected, reverse=True)
    assert [h.score for h in hits] == pytest.approx([h.rerank_score for h in hits], abs=1e-7)
    assert [h.model_dump() for h in retriever.search("pump", scope(), 4)] == [
        h.model_dump() for h in hits
    ]
