"""The shipped reader: a MiniLM cross-encoder as int8 ONNX, scored with onnxruntime.

Trained here from the shipped all-MiniLM-L6-v2 weights (``scripts/train_reader.py``, data and
figures in ``docs/models.md``); the model directory holds ``model.onnx``, ``tokenizer.json``
and ``reader.json``. Query time needs only onnxruntime and the ``tokenizers`` library (no torch,
no transformers). Pairs are encoded like BERT: ``[CLS] question [SEP] passage [SEP]`` with
token type ids 0/1, truncated to ``max_length`` word pieces (the longer side is cut first, so
a normal question is kept whole and the passage is cut). The score is the sigmoid of the logit:
a probability-like number in (0, 1), higher is better.

Each pair is its own batch by default (``batch_size`` 1): the int8 graph quantises activations
per batch (dynamic quantisation), so in a shared batch a passage's score moved with its
batch-mates (by up to 0.20 in probability between batches of 16 and 64); alone it is a function
of the pair only. On 2 cores it is also faster than padded batches of 16 (no padding; measured in
``docs/models.md``). Batches run ``threads`` at a time on one single-threaded session (onnxruntime
releases the GIL): a pair of ~100 word pieces does not split well over two intra-op threads, two
pairs side by side do (the reader's p95 per question fell from about 310 to 205 ms on 2 cores,
with identical logits). Larger batches are sorted by length. Pairs are cut at ``max_length`` (256)
word pieces; serving at the training length (128) cut long steps and did worse on the
development sets.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np

from core.errors import BackendUnavailableError

DEFAULT_MODEL_DIR = Path(__file__).resolve().parents[1] / "reader_model"
"""The model directory shipped with the project (``retrieval/reader_model``)."""

UNIT_MAX_LENGTH = 256
"""Word pieces a pair is cut to by default: what the answerer reads units at (chosen on the
development sets; the reranker's own length is ``retrieval.rerank_max_length``)."""


class PairEncoder:
    """BERT pair encoding with the ``tokenizers`` library: ids, attention mask, type ids."""

    def __init__(self, tokenizer_file: Path, max_length: int) -> None:
        from tokenizers import Tokenizer

        self.max_length = max_length
        tokenizer = Tokenizer.from_file(str(tokenizer_file))
        tokenizer.no_padding()
        tokenizer.enable_truncation(max_length=max_length, strategy="longest_first")
        self._tokenizer = tokenizer
        self._pad_id = tokenizer.token_to_id("[PAD]") or 0

    def pairs(self, question: str, passages: Sequence[str]) -> list[Any]:
        """Tokenised pairs (truncated), one per passage."""
        return list(self._tokenizer.encode_batch([(question, p) for p in passages]))

    def arrays(self, encodings: Sequence[Any]) -> dict[str, np.ndarray]:
        """Padded int64 arrays of shape (len(encodings), longest pair): one model batch."""
        width = max(len(e.ids) for e in encodings)
        ids = np.full((len(encodings), width), self._pad_id, dtype=np.int64)
        mask = np.zeros((len(encodings), width), dtype=np.int64)
        types = np.zeros((len(encodings), width), dtype=np.int64)
        for row, e in enumerate(encodings):
            n = len(e.ids)
            ids[row, :n] = e.ids
            mask[row, :n] = 1
            types[row, :n] = e.type_ids
        return {"input_ids": ids, "attention_mask": mask, "token_type_ids": types}

    def encode(self, question: str, passages: Sequence[str]) -> dict[str, np.ndarray]:
        """Arrays of every pair as one batch."""
        return self.arrays(self.pairs(question, passages))


class ReaderOnnxReranker:
    """:class:`core.ports.Reranker` over the shipped int8 ONNX reader (loaded on first use)."""

    def __init__(
        self,
        model_dir: Path = DEFAULT_MODEL_DIR,
        batch_size: int = 1,
        max_length: int = UNIT_MAX_LENGTH,
        threads: int = 2,
    ) -> None:
        self._dir = Path(model_dir)
        self._batch_size = max(1, batch_size)
        self._max_length = max_length
        self._threads = threads
        self._lock = threading.Lock()
        self._session: Any = None
        self._encoder: PairEncoder | None = None
        self._pool: ThreadPoolExecutor | None = None

    @property
    def max_length(self) -> int:
        """Word pieces a pair is cut to."""
        return self._max_length

    @property
    def model_id(self) -> str:
        """Directory name, for logs."""
        return f"reader-onnx:{self._dir.name}"

    def _load(self) -> tuple[Any, PairEncoder, ThreadPoolExecutor]:
        with self._lock:
            if self._session is None or self._encoder is None or self._pool is None:
                model, tokenizer = self._dir / "model.onnx", self._dir / "tokenizer.json"
                if not model.is_file() or not tokenizer.is_file():
                    raise BackendUnavailableError(f"reader model not found in {self._dir}")
                from retrieval.adapters.onnx_minilm import cpu_session

                self._session = cpu_session(model, 1)
                self._encoder = PairEncoder(tokenizer, self._max_length)
                self._pool = ThreadPoolExecutor(self._threads, thread_name_prefix="reader")
        return self._session, self._encoder, self._pool

    def logits(self, question: str, passages: Sequence[str]) -> list[float]:
        """Raw logits, in input order (batched by length, batches run ``threads`` at a time)."""
        if not passages:
            return []
        session, encoder, pool = self._load()
        encodings = encoder.pairs(question, passages)
        order = sorted(range(len(passages)), key=lambda i: (len(encodings[i].ids), i))
        chunks = [
            order[start : start + self._batch_size]
            for start in range(0, len(order), self._batch_size)
        ]

        def run(chunk: list[int]) -> list[float]:
            (logits,) = session.run(["logits"], encoder.arrays([encodings[i] for i in chunk]))
            return [float(v) for v in np.asarray(logits).reshape(-1).tolist()]

        out = [0.0] * len(passages)
        for chunk, values in zip(chunks, pool.map(run, chunks), strict=True):
            for i, value in zip(chunk, values, strict=True):
                out[i] = value
        return out

    def score(self, question: str, passages: Sequence[str]) -> list[float]:
        """One probability-like score per passage (sigmoid of the logit), higher is better."""
        values = np.asarray(self.logits(question, passages), dtype=np.float64)
        return [float(v) for v in 1.0 / (1.0 + np.exp(-values))]
