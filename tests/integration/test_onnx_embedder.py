"""The ONNX MiniLM reproduces the torch model's vectors, batches and truncates like it.

Runs the exported files that ``make install`` builds (``scripts/export_onnx_embedder.py``).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from core.settings import default_onnx_dir
from retrieval.adapters.minilm import MiniLMEmbedder
from retrieval.adapters.onnx_minilm import MAX_TOKENS, OnnxMiniLMEmbedder
from tests.conftest import SAMPLE_DOCS, SHARED

pytestmark = pytest.mark.integration


def passages() -> list[str]:
    """Real passages: paragraphs of sample_docs and the first SciFact abstracts."""
    texts: list[str] = []
    for path in sorted(SAMPLE_DOCS.rglob("*.md"))[:12]:
        paragraphs = [p.strip() for p in path.read_text(encoding="utf-8").split("\n\n")]
        texts += [p for p in paragraphs if len(p) > 80][:4]
    corpus = SHARED / "datasets" / "scifact" / "corpus.jsonl"
    if corpus.is_file():
        with corpus.open(encoding="utf-8") as fh:
            for line, _ in zip(fh, range(40), strict=False):
                doc = json.loads(line)
                texts.append(f"{doc['title']} {doc['text']}")
    texts += ["What gloves for the caustic wash?", "E57 on IMM-4", "lockout steps FILLER-2"]
    return texts


@pytest.fixture(scope="module")
def torch_vectors() -> tuple[list[str], np.ndarray]:
    texts = passages()
    return texts, MiniLMEmbedder().embed_documents(texts)


@pytest.mark.parametrize(
    ("precision", "mean_min", "min_min"), [("int8", 0.99, 0.975), ("fp32", 0.99999, 0.9999)]
)
def test_onnx_vectors_match_torch(
    torch_vectors: tuple[list[str], np.ndarray], precision: str, mean_min: float, min_min: float
) -> None:
    texts, reference = torch_vectors
    assert len(texts) >= 60
    vectors = OnnxMiniLMEmbedder(default_onnx_dir(), precision).embed_documents(texts)  # type: ignore[arg-type]
    cosines = np.sum(vectors * reference, axis=1)
    assert vectors.dtype == np.float32 and vectors.shape == reference.shape
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert cosines.mean() >= mean_min and cosines.min() >= min_min, (cosines.mean(), cosines.min())


@pytest.fixture(scope="module")
def int8() -> OnnxMiniLMEmbedder:
    return OnnxMiniLMEmbedder(default_onnx_dir(), "int8")  # each text its own batch


def test_rows_come_back_in_input_order_across_length_sorted_batches(
    int8: OnnxMiniLMEmbedder,
) -> None:
    texts = ["a much longer sentence about torque values of gearbox bolts " * 3, "hi", "pump"]
    texts = texts * 3  # 9 texts, batch size 4: three batches, sorted by length inside
    fp32 = OnnxMiniLMEmbedder(default_onnx_dir(), "fp32", batch_size=4)
    vectors = fp32.embed_documents(texts)
    one_by_one = np.stack([fp32.embed_query(t) for t in texts])  # a query is a batch of one
    assert np.all(np.sum(vectors * one_by_one, axis=1) > 0.999)
    assert np.sum(vectors[1] * vectors[0]) < 0.9  # different texts stayed apart
    int8_vectors = int8.embed_documents(texts)
    assert np.all(np.sum(int8_vectors * one_by_one, axis=1) > 0.97)


def test_an_int8_vector_depends_only_on_its_text(int8: OnnxMiniLMEmbedder) -> None:
    """Per-batch activation scales made a chunk's vector depend on its batch-mates, so two
    builds of one index ranked near-tied hits differently (a flaky safety-answer test)."""
    texts = passages()[:12]
    alone = np.stack([int8.embed_documents([t])[0] for t in texts])
    assert np.array_equal(int8.embed_documents(texts), alone)
    assert np.array_equal(int8.embed_documents(texts[::-1])[::-1], alone)
    assert np.array_equal(int8.embed_query(texts[0]), alone[0])


def test_empty_input_and_empty_text(int8: OnnxMiniLMEmbedder) -> None:
    assert int8.embed_documents([]).shape == (0, 384)
    vector = int8.embed_query("")
    assert vector.shape == (384,) and abs(float(np.linalg.norm(vector)) - 1.0) < 1e-5


def test_long_text_is_truncated_at_256_word_pieces(int8: OnnxMiniLMEmbedder) -> None:
    head = " ".join(f"valve{i}" for i in range(400))
    long_a, long_b = head + " pump motor bearing", head + " totally different tail words"
    a, b = int8.embed_documents([long_a, long_b])
    assert float(np.sum(a * b)) > 0.9999  # the differing tails are past the 256th piece
    assert len(int8._load()[1].encode(long_a).ids) == MAX_TOKENS


def test_same_input_gives_identical_vectors(int8: OnnxMiniLMEmbedder) -> None:
    texts = passages()[:10]
    assert np.array_equal(int8.embed_documents(texts), int8.embed_documents(texts))
    assert int8.texts_embedded >= 20


@pytest.mark.slow
def test_rebuild_gives_byte_identical_files(tmp_path: Path) -> None:
    from scripts.export_onnx_embedder import main

    installed = json.loads((default_onnx_dir() / "manifest.json").read_text(encoding="utf-8"))
    assert main(["--out", str(tmp_path / "onnx")]) == 0
    rebuilt = json.loads((tmp_path / "onnx" / "manifest.json").read_text(encoding="utf-8"))
    assert rebuilt["files"] == installed["files"]
