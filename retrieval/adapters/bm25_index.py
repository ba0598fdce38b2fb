"""BM25 keyword search with bm25s, with the access scope applied inside the scoring.

A :class:`BM25Snapshot` is an immutable BM25 matrix over every chunk of the vector index at one
index generation, plus one small array per scope attribute (site code, audience bits, current
flag). A query computes a 0/1 mask from the scope and passes it to bm25s as ``weight_mask``,
which multiplies the scores before top-k selection: an out-of-scope chunk scores 0 and can never
be selected, whatever k is. (llama-index's BM25Retriever also uses ``weight_mask``, but fixes its
filters when the retriever is built, so it cannot take a per-query scope.)

The snapshot can also carry the stored vectors (``retrieval.dense_matrix``) for exact dense
search with the same mask, and maps (version, ordinal) to chunk ids for neighbour lookups.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np

from core.db.engine import Database
from core.models import AccessScope, Role
from core.ports import RankedId, ScoredChunk, VectorIndex
from retrieval.adapters.analyzer import ANALYZER_VERSION, analyze, query_terms
from retrieval.adapters.bm25s_import import bm25s
from retrieval.dense_matrix import build_matrix, top_k
from retrieval.keyword_index import SyncedKeywordIndex

Tokenized = bm25s.tokenization.Tokenized
BM25Model = Any
"""A ``bm25s.BM25`` (bm25s is untyped, and imported through ``bm25s_import``)."""

_ROLES = tuple(Role)
_ROLE_BIT = {role: np.uint8(1 << i) for i, role in enumerate(_ROLES)}
_FORMAT = 2
_ARRAY_NAMES = ("site_codes", "audience", "current", "version_codes", "ordinals")
_META = "snapshot.json"
_ARRAYS = "scope.npz"
_MODEL = "bm25"
_VECTORS = "vectors.npy"


class BM25Snapshot:
    """BM25 over a fixed set of chunks; rows are in chunk_id order, so ties break by id."""

    def __init__(
        self,
        model: BM25Model | None,
        chunk_ids: list[str],
        labels: dict[str, list[str]],
        arrays: dict[str, np.ndarray],
        generation: int,
        vectors: np.ndarray | None = None,
        embedder: str | None = None,
    ) -> None:
        self._model = model
        self.embedder = embedder  # model_id of the vectors' embedder (as stamped on the index)
        self.vectors = vectors  # rows aligned with chunk_ids; arrays["has_vector"] flags them
        self.chunk_ids = chunk_ids
        self._labels = labels  # "sites" and "versions": the values behind the code arrays
        self._sites = labels["sites"]
        self._arrays = arrays
        self._site_codes = arrays["site_codes"]
        self._audience = arrays["audience"]
        self._current = arrays["current"]
        self._positions: dict[str, dict[int, str]] | None = None
        self.generation = generation

    @property
    def size(self) -> int:
        """Number of chunks indexed."""
        return len(self.chunk_ids)

    @classmethod
    def from_index(cls, source: VectorIndex, generation: int, vectors: bool) -> BM25Snapshot:
        """Scan the index (chunks, then vectors when asked) into a snapshot of ``generation``."""
        snapshot = cls.build(source.all_chunks(), generation)
        if vectors:
            matrix, found = build_matrix(snapshot.chunk_ids, source.all_embeddings())
            snapshot.vectors = matrix
            snapshot._arrays["has_vector"] = found
            stamp = source.embedder_stamp()
            snapshot.embedder = stamp.model_id if stamp else None
        return snapshot

    def dense_search(self, vector: np.ndarray, scope: AccessScope, k: int) -> list[RankedId] | None:
        """Exact cosine top k inside the scope; None when this snapshot holds no vectors."""
        if self.vectors is None:
            return None
        mask = self.mask(scope) & self._arrays["has_vector"]
        return [
            RankedId(chunk_id=self.chunk_ids[row], score=score)
            for row, score in top_k(self.vectors, mask, vector, k)
        ]

    @classmethod
    def build(cls, items: Iterable[ScoredChunk], generation: int) -> BM25Snapshot:
        """Index every chunk (served or not: the mask decides per query)."""
        rows = sorted(items, key=lambda s: s.chunk.chunk_id)
        labels = {
            "sites": sorted({s.chunk.site for s in rows}),
            "versions": sorted({s.chunk.version_key for s in rows}),
        }
        site = {value: i for i, value in enumerate(labels["sites"])}
        version = {value: i for i, value in enumerate(labels["versions"])}
        arrays: dict[str, np.ndarray] = {
            "site_codes": np.array([site[s.chunk.site] for s in rows], dtype=np.int32),
            "audience": np.array([_audience_bits(s.chunk.audience) for s in rows], dtype=np.uint8),
            "current": np.array([s.current for s in rows], dtype=bool),
            "version_codes": np.array([version[s.chunk.version_key] for s in rows], dtype=np.int32),
            "ordinals": np.array([s.chunk.ordinal for s in rows], dtype=np.int32),
        }
        model = build_bm25([analyze(s.chunk.text) for s in rows])
        return cls(model, [s.chunk.chunk_id for s in rows], labels, arrays, generation)

    def locate(self, version_key: str, ordinals: Sequence[int]) -> list[str] | None:
        """Chunk ids of a version at these ordinals, or None when the version is unknown here.

        Lets the retriever fetch a hit's neighbours by id (fast in any store) instead of a
        filtered scan; the caller falls back to ``VectorIndex.chunks_at`` on None.
        """
        if self._positions is None:
            positions: dict[str, dict[int, str]] = {}
            versions = self._labels["versions"]
            codes, ords = self._arrays["version_codes"], self._arrays["ordinals"]
            for row, cid in enumerate(self.chunk_ids):
                positions.setdefault(versions[codes[row]], {})[int(ords[row])] = cid
            self._positions = positions
        found = self._positions.get(version_key)
        if found is None:
            return None
        return [found[o] for o in ordinals if o in found]

    def mask(self, scope: AccessScope) -> np.ndarray:
        """True for chunks inside ``scope`` (site incl. company-wide, role, current)."""
        codes = [i for i, site in enumerate(self._sites) if site in scope.readable_sites]
        mask = np.isin(self._site_codes, np.array(codes, dtype=np.int32))
        mask &= (self._audience & _ROLE_BIT[scope.role]) != 0
        if not scope.include_superseded:
            mask &= self._current
        return mask

    def search(self, question: str, scope: AccessScope, k: int) -> list[RankedId]:
        """Top k in-scope chunks with a positive BM25 score, best first, ties by chunk_id."""
        if self._model is None or k <= 0:
            return []
        mask = self.mask(scope)
        if not mask.any():
            return []
        scores = query_scores(self._model, question, mask.astype(np.float32))
        if scores is None:
            return []
        found = np.flatnonzero((scores > 0) & mask)
        if len(found) > k:
            found = found[np.argpartition(-scores[found], k - 1)[:k]]
        order = found[np.lexsort((found, -scores[found]))]
        return [RankedId(chunk_id=self.chunk_ids[i], score=float(scores[i])) for i in order]

    def save(self, directory: Path) -> None:
        """Write the snapshot into ``directory`` (which must not exist yet)."""
        directory.mkdir(parents=True)
        meta = {
            "format": _FORMAT,
            "analyzer": ANALYZER_VERSION,
            "generation": self.generation,
            "embedder": self.embedder,
            "chunk_ids": self.chunk_ids,
            "labels": self._labels,
        }
        (directory / _META).write_text(json.dumps(meta), encoding="utf-8")
        np.savez(directory / _ARRAYS, **self._arrays)  # type: ignore[arg-type]
        if self.vectors is not None:
            np.save(directory / _VECTORS, self.vectors)
        if self._model is not None:
            self._model.save(str(directory / _MODEL), show_progress=False)

    @classmethod
    def load(
        cls, directory: Path, vectors: bool = False, embedder: str | None = None
    ) -> BM25Snapshot | None:
        """Read a saved snapshot; None when missing, incomplete, from another analyzer, or
        without the vectors asked for, or with vectors of another embedder than ``embedder``."""
        try:
            meta = json.loads((directory / _META).read_text(encoding="utf-8"))
            if meta.get("analyzer") != ANALYZER_VERSION or meta.get("format") != _FORMAT:
                return None
            with np.load(directory / _ARRAYS) as npz:
                arrays = {name: npz[name] for name in npz.files}
            if not set(_ARRAY_NAMES) <= set(arrays):
                return None
            # Memory-mapped: a cold process (one CLI ask) reads only the pages it touches, and
            # several app processes on one machine share the page cache instead of copies.
            vectors_file = directory / _VECTORS
            matrix = np.load(vectors_file, mmap_mode="r") if vectors_file.exists() else None
            if vectors and (matrix is None or "has_vector" not in arrays):
                return None
            if vectors and embedder is not None and meta.get("embedder") != embedder:
                return None
            model = None
            if meta["chunk_ids"]:
                model = bm25s.BM25.load(str(directory / _MODEL), load_corpus=False, mmap=True)
        except (OSError, ValueError, KeyError):
            return None
        labels = {key: list(values) for key, values in meta["labels"].items()}
        chunk_ids, generation = list(meta["chunk_ids"]), meta["generation"]
        return cls(model, chunk_ids, labels, arrays, generation, matrix, meta.get("embedder"))


def _audience_bits(audience: Iterable[Role]) -> int:
    bits = 0
    for role in audience:
        bits |= int(_ROLE_BIT[role])
    return bits


def build_bm25(
    corpus_tokens: list[list[str]], k1: float = 1.5, b: float = 0.75
) -> BM25Model | None:
    """A Lucene-variant BM25 over analysed texts (scores are 0 for texts sharing no term with
    the query). ``k1``/``b`` are bm25s' defaults unless given (the BEIR benchmark tunes them).

    None when no text has a single token (nothing can ever match).
    """
    vocab: dict[str, int] = {}
    ids = [[vocab.setdefault(t, len(vocab)) for t in tokens] for tokens in corpus_tokens]
    if not vocab:
        return None
    model = bm25s.BM25(method="lucene", k1=k1, b=b)
    model.index(Tokenized(ids=ids, vocab=vocab), show_progress=False)
    return model


def query_scores(
    model: BM25Model, question: str, weight_mask: np.ndarray | None = None
) -> np.ndarray | None:
    """BM25 score of every indexed text for ``question`` (analysed like the texts, each
    distinct term once), multiplied by ``weight_mask``; None when no term is in the vocabulary."""
    vocab = model.vocab_dict
    ids = [vocab[t] for t in query_terms(question) if t in vocab and t]
    if not ids:
        return None
    return np.asarray(model.get_scores_from_ids(ids, weight_mask=weight_mask))


def synced_index(
    source: VectorIndex,
    db: Database,
    store_dir: Path | None = None,
    vectors: bool = False,
    background: bool = False,
    embedder: str | None = None,
) -> SyncedKeywordIndex:
    """A generation-synced BM25 snapshot of ``source`` (with its vectors when asked; a saved
    snapshot whose vectors are not ``embedder``'s is rebuilt, never reused)."""
    return SyncedKeywordIndex(
        source,
        db,
        partial(BM25Snapshot.from_index, vectors=vectors),
        partial(BM25Snapshot.load, vectors=vectors, embedder=embedder),
        store_dir,
        background=background,
    )
