"""The ONNX adapter's pieces that need no model: missing files, padding, model ids, wiring."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from core.errors import BackendUnavailableError
from core.settings import EmbeddingSettings, Settings
from retrieval.adapters.onnx_minilm import OnnxMiniLMEmbedder, _pad
from services.wiring import make_embedder

pytestmark = pytest.mark.unit


def test_missing_model_names_the_build_command(tmp_path: Path) -> None:
    embedder = OnnxMiniLMEmbedder(tmp_path / "nowhere")
    assert embedder.embed_documents([]).shape == (0, 384)  # nothing to embed: no load
    with pytest.raises(BackendUnavailableError) as err:
        embedder.embed_query("pump")
    assert "scripts/export_onnx_embedder.py" in str(err.value)
    assert str(tmp_path / "nowhere") in str(err.value)


def test_pad_right_with_mask() -> None:
    ids, mask = _pad([[101, 7, 102], [101, 102]])
    assert ids.tolist() == [[101, 7, 102], [101, 102, 0]]
    assert mask.tolist() == [[1, 1, 1], [1, 1, 0]] and ids.dtype == np.int64


def test_int8_has_its_own_model_id_and_fp32_shares_torchs(tmp_path: Path) -> None:
    assert OnnxMiniLMEmbedder(tmp_path, "int8").model_id == "all-MiniLM-L6-v2-onnx-int8"
    assert OnnxMiniLMEmbedder(tmp_path, "fp32").model_id == "all-MiniLM-L6-v2"


def test_wiring_builds_the_onnx_backend_without_loading_it(tmp_path: Path) -> None:
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        home=tmp_path,
        embedding=EmbeddingSettings(backend="onnx", onnx_dir=tmp_path / "m", threads=1),
    )
    embedder = make_embedder(settings)
    assert isinstance(embedder, OnnxMiniLMEmbedder)
    assert embedder.model_file == tmp_path / "m" / "model_int8.onnx"
