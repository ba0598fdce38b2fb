"""all-MiniLM-L6-v2 in ONNX Runtime: the same sentence vectors as sentence-transformers, faster.

The model is exported at install time by ``scripts/export_onnx_embedder.py`` (BertModel + mean
pooling + L2 norm in one graph, fused by ONNX Runtime's transformer optimizer; int8 by dynamic
quantisation). This path imports onnxruntime, tokenizers and numpy only, never torch or
transformers: a cold ``plant-copilot ask`` does not pay their seconds of import.

Tokenisation matches sentence-transformers: the model's own ``tokenizer.json`` (lower-casing
WordPiece), truncation at 256 word pieces, padding to the longest text of a batch. Texts are
batched in order of length so that a batch pads little. The int8 graph quantises activations
with one scale per batch tensor, so a text's vector would depend on its batch-mates (cosine
0.99 between two builds of the same index, enough to reorder near-tied hits): with int8 each
text is its own batch, as in the reader (``reader_onnx.py``), and a vector depends only on its
text. On sample_docs that is no slower (646 chunks: 3.7 s alone, 3.9 s in batches of 32).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal

import numpy as np

from core.errors import BackendUnavailableError

MAX_TOKENS = 256
"""sentence-transformers' ``max_seq_length`` for all-MiniLM-L6-v2."""
MODEL_FILES = {"int8": "model_int8.onnx", "fp32": "model_fp32.onnx"}
TOKENIZER_FILE = "tokenizer.json"
BUILD_COMMAND = ".venv/bin/python scripts/export_onnx_embedder.py"
MODEL_IDS = {
    # fp32 ONNX reproduces the torch vectors (cosine >= 0.99999 on SciFact passages), so it
    # shares the torch model's id and may serve an index that model built. int8 does not.
    "fp32": "all-MiniLM-L6-v2",
    "int8": "all-MiniLM-L6-v2-onnx-int8",
}


def usable_cores() -> int:
    """CPU cores this process may run on (affinity-aware where the OS tells)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


class OnnxMiniLMEmbedder:
    """384-dim normalised MiniLM vectors from an exported ONNX file, CPU, length-sorted batches."""

    def __init__(
        self,
        model_dir: Path,
        precision: Literal["int8", "fp32"] = "int8",
        batch_size: int = 32,
        threads: int | None = None,
    ) -> None:
        self._dir = Path(model_dir)
        self._precision = precision
        self._batch_size = 1 if precision == "int8" else max(1, batch_size)
        self._threads = threads or usable_cores()
        self._session: Any = None
        self._tokenizer: Any = None
        self._lock = threading.Lock()
        self.texts_embedded = 0

    @property
    def model_id(self) -> str:
        """Names the vectors: int8 differs from the torch model's, fp32 does not."""
        return MODEL_IDS[self._precision]

    @property
    def dimension(self) -> int:
        """Vector length of MiniLM."""
        return 384

    @property
    def model_file(self) -> Path:
        """The ONNX file this embedder runs."""
        return self._dir / MODEL_FILES[self._precision]

    def _load(self) -> tuple[Any, Any]:
        """Open the session and tokenizer once (thread-safe); a missing file says how to build."""
        with self._lock:
            if self._session is None:
                for path in (self.model_file, self._dir / TOKENIZER_FILE):
                    if not path.is_file():
                        raise BackendUnavailableError(
                            f"ONNX embedder not built: {path} is missing; "
                            f"build it with `{BUILD_COMMAND} --out {self._dir}` (or `make install`)"
                        )
                self._tokenizer = _tokenizer(self._dir / TOKENIZER_FILE)
                self._session = cpu_session(self.model_file, self._threads)
        return self._session, self._tokenizer

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        """Embed passages in length-sorted batches; rows come back in the order given."""
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        if not texts:
            return out
        session, tokenizer = self._load()
        encodings = tokenizer.encode_batch(list(texts))
        lengths = [len(e.ids) for e in encodings]
        order = sorted(range(len(texts)), key=lambda i: lengths[i])
        for start in range(0, len(order), self._batch_size):
            rows = order[start : start + self._batch_size]
            ids, mask = _pad([encodings[i].ids for i in rows])
            feeds = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
            out[rows] = session.run(None, feeds)[0]
        self.texts_embedded += len(texts)
        return out

    def embed_query(self, text: str) -> np.ndarray:
        """Embed one question."""
        return self.embed_documents([text])[0]


def _tokenizer(path: Path) -> Any:
    """The model's fast tokenizer, truncating like sentence-transformers, padding done by us.

    The shipped ``tokenizer.json`` pads and truncates to 128: both are reset here.
    """
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(path))
    tokenizer.no_padding()
    tokenizer.enable_truncation(MAX_TOKENS)
    return tokenizer


def cpu_session(path: Path, threads: int) -> Any:
    """A CPU-only ONNX Runtime session with ``threads`` intra-op threads (both ONNX adapters)."""
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    options.log_severity_level = 3
    return ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])


def _pad(sequences: Sequence[Sequence[int]]) -> tuple[np.ndarray, np.ndarray]:
    """Right-pad token ids with 0 ([PAD]) to the longest; the mask marks real tokens."""
    width = max(len(s) for s in sequences)
    ids = np.zeros((len(sequences), width), dtype=np.int64)
    mask = np.zeros_like(ids)
    for row, seq in enumerate(sequences):
        ids[row, : len(seq)] = seq
        mask[row, : len(seq)] = 1
    return ids, mask
