"""Chroma adapter of the VectorIndex protocol, embedded (on disk) or over HTTP (server mode).

Vectors are always computed by our own embedder and passed explicitly: a Chroma collection left
with its default embedding function downloads an ONNX model on first use (see README, Offline).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from functools import partial
from typing import Any, TypeVar

import numpy as np

from core.embedder_stamp import EmbedderStamp
from core.models import AccessScope, Chunk, Role
from core.ports import ScoredChunk, VersionState
from retrieval import chunk_codec
from retrieval.adapters.chroma_client import describe, guard, make_client

__all__ = ["ChromaVectorIndex", "make_client"]

T = TypeVar("T")
_PAGE = 2000
_STAMP_KEYS = ("embedder_model_id", "embedder_dimension", "embedder_complete")


class ChromaVectorIndex:
    """Chunks in one cosine-space Chroma collection with flat scope metadata."""

    def __init__(self, client: Any, collection: str) -> None:
        self._client = client
        self._name = collection
        self._where = f"{describe(client)}, collection {collection}"
        self._collection = self._guard(
            "open collection",
            lambda: client.get_or_create_collection(
                collection,
                embedding_function=None,
                metadata={"hnsw:space": "cosine", "scope_codec": chunk_codec.SCOPE_CODEC},
            ),
        )
        self._max_batch = int(self._guard("batch size", client.get_max_batch_size))
        if (self._collection.metadata or {}).get("scope_codec") != chunk_codec.SCOPE_CODEC:
            self._migrate_scope_fields()

    def embedder_stamp(self) -> EmbedderStamp | None:
        """The embedder recorded in the collection's metadata (re-read: another process may
        have re-embedded the collection since it was opened)."""
        fresh = self._guard("read metadata", lambda: self._client.get_collection(self._name))
        meta = fresh.metadata or {}
        if "embedder_model_id" not in meta:
            return None
        return EmbedderStamp(
            model_id=str(meta["embedder_model_id"]),
            dimension=int(meta["embedder_dimension"]),
            complete=bool(meta.get("embedder_complete", True)),
        )

    def set_embedder_stamp(self, stamp: EmbedderStamp) -> None:
        """Write the embedder into the collection's metadata (other keys kept)."""
        fresh = self._guard("read metadata", lambda: self._client.get_collection(self._name))
        meta = {k: v for k, v in (fresh.metadata or {}).items() if "hnsw:" not in k}
        values = (stamp.model_id, stamp.dimension, stamp.complete)
        meta.update(dict(zip(_STAMP_KEYS, values, strict=True)))
        self._guard("write metadata", lambda: self._collection.modify(metadata=meta))

    def set_embeddings(self, chunk_ids: Sequence[str], embeddings: np.ndarray) -> None:
        """Replace stored vectors in place, in batches (documents and metadata untouched)."""
        for start in range(0, len(chunk_ids), self._max_batch):
            part = list(chunk_ids[start : start + self._max_batch])
            vectors = np.asarray(embeddings[start : start + len(part)], dtype=np.float32)
            call = partial(self._collection.update, ids=part, embeddings=vectors)
            self._guard("update", call)

    def _guard(self, action: str, call: Callable[[], T]) -> T:
        """Run a Chroma call; an unreachable store becomes BackendUnavailableError."""
        return guard(action, call, self._where)

    def _migrate_scope_fields(self) -> None:
        """Write the single-clause scope fields on chunks stored by an older codec (once)."""
        for page in self._pages(None, include=["metadatas"]):
            self._update_scope(page["ids"], page["metadatas"], None)
        meta = {k: v for k, v in (self._collection.metadata or {}).items() if "hnsw:" not in k}
        meta["scope_codec"] = chunk_codec.SCOPE_CODEC
        self._guard("migrate", lambda: self._collection.modify(metadata=meta))

    def _update_scope(
        self, ids: Sequence[str], metas: Sequence[dict[str, Any]], current: bool | None
    ) -> None:
        """Rewrite the current flag (when given) and scope fields of chunks, in batches."""
        updates: list[dict[str, Any]] = []
        for meta in metas:
            flag = bool(meta.get("current")) if current is None else current
            audience = frozenset(r for r in Role if meta.get(chunk_codec.role_key(r)))
            fields = chunk_codec.scope_fields(str(meta["site"]), audience, flag)
            updates.append({"current": flag, **fields})
        for start in range(0, len(ids), self._max_batch):
            call = partial(
                self._collection.update,
                ids=list(ids[start : start + self._max_batch]),
                metadatas=updates[start : start + self._max_batch],
            )
            self._guard("update", call)

    def add(self, chunks: Sequence[Chunk], embeddings: np.ndarray, current: bool) -> None:
        """Upsert chunks in batches no larger than the server accepts."""
        for start in range(0, len(chunks), self._max_batch):
            part = chunks[start : start + self._max_batch]
            vectors = np.asarray(embeddings[start : start + len(part)], dtype=np.float32)
            call = partial(
                self._collection.upsert,
                ids=[c.chunk_id for c in part],
                embeddings=vectors,
                documents=[c.text for c in part],
                metadatas=[chunk_codec.encode(c, current) for c in part],
            )
            self._guard("add", call)

    def _ids_where(self, where: dict[str, Any]) -> list[str]:
        ids: list[str] = []
        for page in self._pages(where, include=[]):
            ids.extend(page["ids"])
        return ids

    def _pages(self, where: dict[str, Any] | None, include: list[str]) -> Iterator[dict[str, Any]]:
        offset = 0
        while True:
            call = partial(
                self._collection.get, where=where, include=include, limit=_PAGE, offset=offset
            )
            page = self._guard("get", call)
            if not page["ids"]:
                return
            yield page
            if len(page["ids"]) < _PAGE:
                return
            offset += _PAGE

    def set_current(self, version_key: str, current: bool) -> int:
        """Flip the served flag of every chunk of a version that does not have it yet."""
        # Filter on version_key alone: Chroma resolves every clause to its set of matching
        # ids, and ``current`` matches most of the collection (slow at 100k chunks).
        ids: list[str] = []
        metas: list[dict[str, Any]] = []
        for page in self._pages({"version_key": version_key}, include=["metadatas"]):
            for cid, meta in zip(page["ids"], page["metadatas"], strict=True):
                if bool(meta.get("current")) != current:
                    ids.append(cid)
                    metas.append(meta)
        self._update_scope(ids, metas, current)
        return len(ids)

    def delete_version(self, version_key: str) -> int:
        """Delete a version's chunks."""
        ids = self._ids_where({"version_key": version_key})
        for start in range(0, len(ids), self._max_batch):
            part = ids[start : start + self._max_batch]
            self._guard("delete", partial(self._collection.delete, ids=part))
        return len(ids)

    def embeddings_by_text(self, doc_id: str) -> dict[str, np.ndarray]:
        """Vectors already stored for a document, keyed by chunk text hash."""
        out: dict[str, np.ndarray] = {}
        for page in self._pages({"doc_id": doc_id}, include=["metadatas", "embeddings"]):
            for meta, vector in zip(page["metadatas"], page["embeddings"], strict=True):
                out[str(meta["text_hash"])] = np.asarray(vector, dtype=np.float32)
        return out

    def version_states(self) -> dict[str, VersionState]:
        """Scan all metadata and count chunks per version (repair and verification only)."""
        states: dict[str, VersionState] = {}
        for page in self._pages(None, include=["metadatas"]):
            for meta in page["metadatas"]:
                state = states.setdefault(str(meta["version_key"]), VersionState())
                state.total += 1
                state.flagged_current += int(bool(meta.get("current")))
        return states

    def query(self, vector: np.ndarray, scope: AccessScope, k: int) -> list[ScoredChunk]:
        """Nearest chunks with the scope filter applied inside the Chroma query."""
        if k <= 0:
            return []
        result = self._guard(
            "query",
            lambda: self._collection.query(
                query_embeddings=[np.asarray(vector, dtype=np.float32)],
                n_results=k,
                where=chunk_codec.scope_filter(scope),
                include=["metadatas", "documents", "distances"],
            ),
        )
        hits: list[ScoredChunk] = []
        for cid, text, meta, dist in zip(
            result["ids"][0],
            result["documents"][0],
            result["metadatas"][0],
            result["distances"][0],
            strict=True,
        ):
            chunk, current = chunk_codec.decode(cid, text, meta)
            hits.append(ScoredChunk(chunk=chunk, score=1.0 - float(dist), current=current))
        return hits

    def get(self, chunk_ids: Sequence[str]) -> list[ScoredChunk]:
        """Chunks by id."""
        if not chunk_ids:
            return []
        page = self._guard(
            "get",
            lambda: self._collection.get(ids=list(chunk_ids), include=["metadatas", "documents"]),
        )
        out = []
        for cid, text, meta in zip(page["ids"], page["documents"], page["metadatas"], strict=True):
            chunk, current = chunk_codec.decode(cid, text, meta)
            out.append(ScoredChunk(chunk=chunk, score=0.0, current=current))
        return out

    def chunks_of_version(self, version_key: str) -> list[Chunk]:
        """A version's chunks ordered by ordinal."""
        chunks: list[Chunk] = []
        for page in self._pages({"version_key": version_key}, include=["metadatas", "documents"]):
            for cid, text, meta in zip(
                page["ids"], page["documents"], page["metadatas"], strict=True
            ):
                chunks.append(chunk_codec.decode(cid, text, meta)[0])
        return sorted(chunks, key=lambda c: c.ordinal)

    def chunks_at(self, version_key: str, ordinals: Sequence[int]) -> list[Chunk]:
        """Chunks of a version at the given ordinals (one filtered get), ordered by ordinal."""
        wanted = {int(o) for o in ordinals}
        if not wanted:
            return []
        # version_key alone (a small id set); an ``ordinal $in`` clause would match across
        # the whole collection and cost more than it saves.
        chunks = [
            chunk_codec.decode(cid, text, meta)[0]
            for page in self._pages({"version_key": version_key}, ["metadatas", "documents"])
            for cid, text, meta in zip(
                page["ids"], page["documents"], page["metadatas"], strict=True
            )
            if int(meta.get("ordinal", -1)) in wanted
        ]
        return sorted(chunks, key=lambda c: c.ordinal)

    def all_chunks(self) -> Iterator[ScoredChunk]:
        """Every chunk with its served flag, read page by page."""
        for page in self._pages(None, include=["metadatas", "documents"]):
            for cid, text, meta in zip(
                page["ids"], page["documents"], page["metadatas"], strict=True
            ):
                chunk, current = chunk_codec.decode(cid, text, meta)
                yield ScoredChunk(chunk=chunk, score=0.0, current=current)

    def all_embeddings(self) -> Iterator[tuple[str, np.ndarray]]:
        """Every chunk's vector, read page by page."""
        for page in self._pages(None, include=["embeddings"]):
            vectors = np.asarray(page["embeddings"], dtype=np.float32)
            yield from zip(page["ids"], vectors, strict=True)

    def count(self) -> int:
        """Chunks stored."""
        return int(self._guard("count", self._collection.count))
