"""A tiny three-document plant indexed with the fakes (hashing embedder, in-memory index)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from core.settings import EmbeddingSettings, RetrievalSettings, Settings
from retrieval.memory_index import InMemoryVectorIndex
from services.wiring import Components, build
from tests.contracts.retriever_contract import Corpus
from tests.unit.evaluation.factories import GOLDEN, MAINTENANCE


@pytest.fixture
def plant(tmp_path: Path) -> Components:
    """Components over the fakes with three documents at two sites."""
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        home=tmp_path / "home",
        embedding=EmbeddingSettings(backend="hashing"),
        retrieval=RetrievalSettings(keyword_refresh="sync"),
    )
    built = build(settings, index=InMemoryVectorIndex())
    corpus = Corpus(built.db, built.index, built.embedder())
    corpus.write(
        "BRK-SOP-14",
        ["CIP caustic wash of the fillers: caustic concentration 2.0% at 80 °C for 25 min."],
        section="CIP parameters",
    )
    corpus.write(
        "BRK-INC-1",
        ["The hand laceration on FILLER-2 was caused by a broken edge on pocket 7."],
        doc_type="incident",
        audience=MAINTENANCE,
    )
    corpus.write("CAL-SOP-2", ["Resin drying on DRY-1: dew point -40 °C."], site="calder")
    return built


@pytest.fixture
def golden_file(tmp_path: Path) -> Path:
    """The three cases above as a golden JSONL file."""
    path = tmp_path / "golden.jsonl"
    path.write_text("\n".join(json.dumps(c) for c in GOLDEN) + "\n", encoding="utf-8")
    return path
