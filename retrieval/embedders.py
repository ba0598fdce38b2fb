"""Deterministic embedders shipped with the code, for fast tests and offline smoke runs."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence

import numpy as np

_TOKEN = re.compile(r"[a-z0-9]+(?:[.\-/][a-z0-9]+)*")


class HashingEmbedder:
    """Feature-hashing bag of words and character trigrams, L2-normalised.

    Different texts get different vectors, texts sharing words get similar ones, and the result
    is identical on every machine. No model, no download: the fake for unit tests.
    """

    def __init__(self, dimension: int = 384) -> None:
        self._dimension = dimension
        self.calls = 0
        self.texts_embedded = 0

    @property
    def model_id(self) -> str:
        """Names the scheme and its size."""
        return f"hashing-{self._dimension}"

    @property
    def dimension(self) -> int:
        """Vector length."""
        return self._dimension

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        """Embed passages; counts calls so tests can assert that nothing was re-embedded."""
        self.calls += 1
        self.texts_embedded += len(texts)
        if not texts:
            return np.zeros((0, self._dimension), dtype=np.float32)
        return np.stack([self._vector(t) for t in texts])

    def embed_query(self, text: str) -> np.ndarray:
        """Embed a question with the same scheme as passages."""
        return self._vector(text)

    def _vector(self, text: str) -> np.ndarray:
        vec = np.zeros(self._dimension, dtype=np.float32)
        lowered = text.lower()
        features = _TOKEN.findall(lowered)
        features += [lowered[i : i + 3] for i in range(max(len(lowered) - 2, 0))]
        for feature in features:
            digest = hashlib.blake2b(feature.encode("utf-8"), digest_size=8).digest()
            bucket = int.from_bytes(digest[:4], "little") % self._dimension
            vec[bucket] += 1.0 if digest[4] & 1 else -1.0
        norm = float(np.linalg.norm(vec))
        if norm == 0.0:
            vec[0] = 1.0
            return vec
        return vec / norm
