"""An in-memory vector index: the deterministic fake of the VectorIndex protocol.

Exact cosine search over a numpy matrix; filters applied before ranking, like a real store.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import numpy as np

from core.embedder_stamp import EmbedderStamp
from core.models import AccessScope, Chunk
from core.ports import ScoredChunk, VersionState


class InMemoryVectorIndex:
    """Holds chunks and vectors in dictionaries; good for unit tests and tiny corpora."""

    def __init__(self) -> None:
        self._chunks: dict[str, Chunk] = {}
        self._vectors: dict[str, np.ndarray] = {}
        self._current: dict[str, bool] = {}
        self._stamp: EmbedderStamp | None = None

    def add(self, chunks: Sequence[Chunk], embeddings: np.ndarray, current: bool) -> None:
        """Insert or overwrite chunks with their vectors."""
        for chunk, vector in zip(chunks, embeddings, strict=True):
            self._chunks[chunk.chunk_id] = chunk
            self._vectors[chunk.chunk_id] = np.asarray(vector, dtype=np.float32)
            self._current[chunk.chunk_id] = current

    def set_current(self, version_key: str, current: bool) -> int:
        """Flip the served flag of one version's chunks."""
        changed = 0
        for cid, chunk in self._chunks.items():
            if chunk.version_key == version_key and self._current[cid] != current:
                self._current[cid] = current
                changed += 1
        return changed

    def delete_version(self, version_key: str) -> int:
        """Remove one version's chunks."""
        ids = [cid for cid, c in self._chunks.items() if c.version_key == version_key]
        for cid in ids:
            del self._chunks[cid], self._vectors[cid], self._current[cid]
        return len(ids)

    def embeddings_by_text(self, doc_id: str) -> dict[str, np.ndarray]:
        """Stored vectors of a document keyed by text hash."""
        return {
            c.text_hash: self._vectors[cid] for cid, c in self._chunks.items() if c.doc_id == doc_id
        }

    def version_states(self) -> dict[str, VersionState]:
        """Counts per version."""
        states: dict[str, VersionState] = {}
        for cid, chunk in self._chunks.items():
            state = states.setdefault(chunk.version_key, VersionState())
            state.total += 1
            state.flagged_current += int(self._current[cid])
        return states

    def query(self, vector: np.ndarray, scope: AccessScope, k: int) -> list[ScoredChunk]:
        """Exact nearest neighbours among chunks inside the scope."""
        ids = [
            cid
            for cid, c in self._chunks.items()
            if scope.allows(c.site, c.audience, self._current[cid])
        ]
        if not ids or k <= 0:
            return []
        matrix = np.stack([self._vectors[cid] for cid in ids])
        scores = matrix @ np.asarray(vector, dtype=np.float32)
        order = sorted(range(len(ids)), key=lambda i: (-float(scores[i]), ids[i]))[:k]
        return [
            ScoredChunk(
                chunk=self._chunks[ids[i]], score=float(scores[i]), current=self._current[ids[i]]
            )
            for i in order
        ]

    def get(self, chunk_ids: Sequence[str]) -> list[ScoredChunk]:
        """Chunks by id."""
        return [
            ScoredChunk(chunk=self._chunks[cid], score=0.0, current=self._current[cid])
            for cid in chunk_ids
            if cid in self._chunks
        ]

    def chunks_of_version(self, version_key: str) -> list[Chunk]:
        """One version's chunks in order."""
        found = [c for c in self._chunks.values() if c.version_key == version_key]
        return sorted(found, key=lambda c: c.ordinal)

    def chunks_at(self, version_key: str, ordinals: Sequence[int]) -> list[Chunk]:
        """One version's chunks at the given ordinals, in order."""
        wanted = set(ordinals)
        return [c for c in self.chunks_of_version(version_key) if c.ordinal in wanted]

    def all_chunks(self) -> Iterator[ScoredChunk]:
        """Every chunk with its served flag; a snapshot, so callers may mutate the index."""
        for cid, chunk in list(self._chunks.items()):
            yield ScoredChunk(chunk=chunk, score=0.0, current=self._current[cid])

    def all_embeddings(self) -> Iterator[tuple[str, np.ndarray]]:
        """Every chunk's vector (a snapshot of the ids, so callers may mutate the index)."""
        for cid in list(self._vectors):
            vector = self._vectors.get(cid)
            if vector is not None:
                yield cid, vector

    def count(self) -> int:
        """All chunks held."""
        return len(self._chunks)

    def embedder_stamp(self) -> EmbedderStamp | None:
        """The recorded embedder, if any."""
        return self._stamp

    def set_embedder_stamp(self, stamp: EmbedderStamp) -> None:
        """Record the embedder."""
        self._stamp = stamp

    def set_embeddings(self, chunk_ids: Sequence[str], embeddings: np.ndarray) -> None:
        """Overwrite the vectors of known chunks."""
        for cid, vector in zip(chunk_ids, embeddings, strict=True):
            if cid in self._vectors:
                self._vectors[cid] = np.asarray(vector, dtype=np.float32)
