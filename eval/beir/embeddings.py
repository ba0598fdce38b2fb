"""Corpus and query embeddings for the BEIR run, cached on disk.

Embedding SciFact's 5,183 abstracts with MiniLM takes minutes on two cores, so the matrix is
saved as ``<home>/beir-cache/<corpus-hash>-<model>.npy`` (rows in corpus-file order) and a
re-run only embeds the queries. Texts are embedded longest first in slices, which keeps
padding low and lets the caller show progress.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from core.ports import Embedder

Progress = Callable[[int, int], None]
"""Called with (texts done, total) after every slice."""

_SLICE = 128


def cache_path(cache_dir: Path, key: str, model_id: str) -> Path:
    """Where the matrix of ``key`` (a content hash) embedded by ``model_id`` is stored."""
    safe = "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in model_id)
    return cache_dir / f"{key}-{safe}.npy"


def texts_key(texts: Sequence[str]) -> str:
    """16-hex content hash of a list of texts (keys the query-embedding cache)."""
    digest = hashlib.sha256()
    for text in texts:
        digest.update(text.encode("utf-8"))
        digest.update(b"\x00")
    return digest.hexdigest()[:16]


def embed_all(embedder: Embedder, texts: Sequence[str], progress: Progress | None) -> np.ndarray:
    """Embed ``texts`` (rows in input order), longest first in slices, reporting progress."""
    order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))
    matrix = np.zeros((len(texts), embedder.dimension), dtype=np.float32)
    for start in range(0, len(order), _SLICE):
        rows = order[start : start + _SLICE]
        matrix[rows] = embedder.embed_documents([texts[i] for i in rows])
        if progress is not None:
            progress(min(start + _SLICE, len(order)), len(order))
    return matrix


def cached_embeddings(
    embedder: Embedder,
    texts: Sequence[str],
    path: Path,
    progress: Progress | None = None,
) -> tuple[np.ndarray, bool]:
    """The matrix stored at ``path`` when its shape fits, else embed and save it atomically.

    Returns (matrix, whether it came from the cache).
    """
    if path.is_file():
        matrix = np.load(path)
        if matrix.shape == (len(texts), embedder.dimension):
            return matrix.astype(np.float32, copy=False), True
    matrix = embed_all(embedder, texts, progress)
    path.parent.mkdir(parents=True, exist_ok=True)
    staging = path.with_suffix(f".{os.getpid()}.tmp.npy")
    np.save(staging, matrix)
    os.replace(staging, path)
    return matrix, False
