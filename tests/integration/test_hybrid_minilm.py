"""Hybrid search with the real MiniLM embedder over real Chroma: paraphrases and tags both work."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.db.engine import Database
from core.models import Role
from core.ports import Embedder
from core.settings import RetrievalSettings, Settings, default_onnx_dir
from retrieval.adapters.chroma_index import ChromaVectorIndex, make_client
from retrieval.adapters.minilm import MiniLMEmbedder
from retrieval.adapters.onnx_minilm import OnnxMiniLMEmbedder
from services.wiring import make_retriever
from tests.contracts.retriever_contract import Corpus, scope

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module", params=["torch", "onnx-int8"])
def minilm(request: pytest.FixtureRequest) -> Embedder:
    """MiniLM through torch and through ONNX Runtime (int8): both must pass."""
    if request.param == "torch":
        return MiniLMEmbedder()
    return OnnxMiniLMEmbedder(default_onnx_dir(), "int8")


def test_paraphrase_found_by_dense_and_tag_by_keyword(minilm: Embedder, tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'r.db'}")
    db.upgrade()
    index = ChromaVectorIndex(make_client("embedded", tmp_path / "chroma", "", 0, None), "chunks")
    corpus = Corpus(db, index, minilm)
    corpus.write(
        "JAM", ["Clearing a blocked bottle at the filler infeed: stop the conveyor first."]
    )
    corpus.write(
        "PPE", ["Personal protective equipment for the caustic wash: face shield, gloves."]
    )
    corpus.write("TORQUE", ["Gearbox coupling CONV-3: tighten the coupling bolts to 45 Nm."])
    corpus.write("QA", ["Deviation: bottles stuck at filler"], audience=frozenset({Role.QUALITY}))
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        home=tmp_path / "home",
        retrieval=RetrievalSettings(keyword_refresh="sync"),
    )
    retriever = make_retriever(settings, db, index, minilm)
    hits = retriever.search("how do I fix a jammed bottle on the filling machine", scope(), 2)
    assert hits[0].chunk.doc_id == "JAM" and hits[0].dense_score is not None
    assert "QA" not in [h.chunk.doc_id for h in hits]
    assert retriever.search("what gloves for caustic cleaning", scope(), 1)[0].chunk.doc_id == "PPE"
    top = retriever.search("CONV-3 45 Nm", scope(Role.TECHNICIAN), 1)[0]
    assert top.chunk.doc_id == "TORQUE" and top.keyword_score is not None
