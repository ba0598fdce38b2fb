"""Wiring of the answerers: the reader answers, an LLM is guarded by it, one reader is shared."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.settings import LLMSettings, RetrievalSettings, Settings
from retrieval.adapters.reader_onnx import ReaderOnnxReranker
from retrieval.memory_index import InMemoryVectorIndex
from retrieval.readers import OverlapReader
from services.answering.llm import ChatClient, LLMAnswerer
from services.answering.reader import ReaderAnswerer
from services.local_llm import GgufChat
from services.wiring import build, make_answerer

pytestmark = pytest.mark.unit


def settings(tmp_path: Path, **fields: object) -> Settings:
    return Settings(_env_file=None, home=tmp_path / "home", **fields)  # type: ignore[call-arg,arg-type]


def test_the_reader_answers_with_the_given_reader_or_the_shipped_model(tmp_path: Path) -> None:
    reader = OverlapReader()
    chosen = make_answerer(settings(tmp_path), InMemoryVectorIndex(), reader)
    assert isinstance(chosen, ReaderAnswerer) and chosen.reader is reader
    default = make_answerer(settings(tmp_path), InMemoryVectorIndex())
    assert isinstance(default, ReaderAnswerer) and isinstance(default.reader, ReaderOnnxReranker)
    fake = make_answerer(
        settings(tmp_path, retrieval=RetrievalSettings(reader_backend="overlap")),
        InMemoryVectorIndex(),
    )
    assert isinstance(fake, ReaderAnswerer) and isinstance(fake.reader, OverlapReader)


@pytest.mark.parametrize(
    ("llm", "client"),
    [
        (LLMSettings(base_url="http://127.0.0.1:9/v1"), ChatClient),
        (LLMSettings(backend="gguf", model_path=Path("/nowhere/model.gguf")), GgufChat),
    ],
)
def test_a_configured_llm_is_guarded_by_the_reader_answerer(
    tmp_path: Path, llm: LLMSettings, client: type
) -> None:
    reader = OverlapReader()
    chosen = make_answerer(settings(tmp_path, llm=llm), InMemoryVectorIndex(), reader)
    assert isinstance(chosen, LLMAnswerer) and isinstance(chosen.client, client)
    assert isinstance(chosen.guard, ReaderAnswerer) and chosen.guard.reader is reader


def test_components_share_one_reader_between_rerank_and_answers(tmp_path: Path) -> None:
    configured = settings(tmp_path, retrieval=RetrievalSettings(reranker="reader"))
    components = build(configured, index=InMemoryVectorIndex())
    answerer = components.answerer()
    assert isinstance(answerer, ReaderAnswerer)
    assert answerer.reader is components.reranker() is components.reranker()
    components.db.dispose()
