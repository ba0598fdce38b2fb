"""Wiring of the reader answerer: chosen by settings, sharing the retriever's reader."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.errors import UsageError
from core.settings import AnswerSettings, LLMSettings, RetrievalSettings, Settings
from retrieval.memory_index import InMemoryVectorIndex
from retrieval.readers import OverlapReader
from services.answering.extractive import ExtractiveAnswerer
from services.answering.reader import ReaderAnswerer
from services.wiring import build, make_answerer

pytestmark = pytest.mark.unit


def settings(tmp_path: Path, **fields: object) -> Settings:
    return Settings(_env_file=None, home=tmp_path / "home", **fields)  # type: ignore[call-arg,arg-type]


def test_answerer_setting_picks_the_reader_answerer_with_the_given_reader(tmp_path: Path) -> None:
    reader = OverlapReader()
    chosen = make_answerer(
        settings(tmp_path, answer=AnswerSettings(answerer="reader")), InMemoryVectorIndex(), reader
    )
    assert isinstance(chosen, ReaderAnswerer) and chosen.reader is reader
    default = make_answerer(settings(tmp_path), InMemoryVectorIndex())
    assert isinstance(default, ExtractiveAnswerer)


def test_the_reader_answerer_is_not_combined_with_an_llm(tmp_path: Path) -> None:
    configured = settings(
        tmp_path,
        answer=AnswerSettings(answerer="reader"),
        llm=LLMSettings(base_url="http://127.0.0.1:9/v1"),
    )
    with pytest.raises(UsageError, match=r"llm\.base_url"):
        make_answerer(configured, InMemoryVectorIndex(), OverlapReader())


def test_components_share_one_reader_between_rerank_and_answers(tmp_path: Path) -> None:
    configured = settings(
        tmp_path,
        answer=AnswerSettings(answerer="reader"),
        retrieval=RetrievalSettings(reranker="reader"),
    )
    components = build(configured, index=InMemoryVectorIndex())
    answerer = components.answerer()
    assert isinstance(answerer, ReaderAnswerer)
    assert answerer.reader is components.reranker() is components.reranker()
    components.db.dispose()
