"""Protocols for the parts that have more than one implementation.

Ingestion and retrieval depend on these, never on a vendor library; adapters in ``retrieval``
implement them (a real one and a deterministic fake each), and ``services.wiring`` picks one.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Protocol

import numpy as np
from pydantic import BaseModel

from core.answers import Answer, SearchHit
from core.embedder_stamp import EmbedderStamp
from core.models import AccessScope, Chunk, Role


class Embedder(Protocol):
    """Turns texts into L2-normalised vectors of a fixed dimension."""

    @property
    def model_id(self) -> str:
        """Identifies the model, so an index built with another model can be detected."""
        ...

    @property
    def dimension(self) -> int:
        """Length of every vector."""
        ...

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        """Embed passages in batches; returns shape (len(texts), dimension), float32."""
        ...

    def embed_query(self, text: str) -> np.ndarray:
        """Embed one question; returns shape (dimension,), float32."""
        ...


class ScoredChunk(BaseModel):
    """A chunk returned by a search, with its similarity (higher is better) and served flag."""

    chunk: Chunk
    score: float
    current: bool = True


class VersionState(BaseModel):
    """How many chunks of one version the index holds, and how many are flagged current."""

    total: int = 0
    flagged_current: int = 0


class VectorIndex(Protocol):
    """Stores chunks with their vectors and scope metadata; filters inside the query."""

    def add(self, chunks: Sequence[Chunk], embeddings: np.ndarray, current: bool) -> None:
        """Insert (or overwrite) chunks of one version, flagged current or not."""
        ...

    def set_current(self, version_key: str, current: bool) -> int:
        """Flag every chunk of a version current or not; returns how many changed."""
        ...

    def delete_version(self, version_key: str) -> int:
        """Delete every chunk of a version; returns how many were deleted."""
        ...

    def embeddings_by_text(self, doc_id: str) -> dict[str, np.ndarray]:
        """Vectors already stored for a document's chunks, keyed by chunk text hash."""
        ...

    def version_states(self) -> dict[str, VersionState]:
        """Per version_key counts, for repair and verification."""
        ...

    def query(self, vector: np.ndarray, scope: AccessScope, k: int) -> list[ScoredChunk]:
        """The k nearest chunks inside the scope (site, role, current), best first."""
        ...

    def get(self, chunk_ids: Sequence[str]) -> list[ScoredChunk]:
        """Chunks by id (score 0), in no particular order; unknown ids are skipped."""
        ...

    def chunks_of_version(self, version_key: str) -> list[Chunk]:
        """Every chunk of one version, ordered by ordinal."""
        ...

    def chunks_at(self, version_key: str, ordinals: Sequence[int]) -> list[Chunk]:
        """The chunks of one version at these ordinals, ordered by ordinal; missing ones skipped.

        Lets retrieval fetch a hit's neighbours without reading a whole long manual.
        """
        ...

    def all_chunks(self) -> Iterator[ScoredChunk]:
        """Every stored chunk with its current flag (score 0), read in pages.

        For rebuilding derived indexes (the keyword index); order is unspecified.
        """
        ...

    def all_embeddings(self) -> Iterator[tuple[str, np.ndarray]]:
        """``(chunk_id, vector)`` of every stored chunk, read in pages (derived indexes)."""
        ...

    def count(self) -> int:
        """Number of chunks stored (all versions)."""
        ...

    def embedder_stamp(self) -> EmbedderStamp | None:
        """The embedder recorded as having built the stored vectors; None if never recorded."""
        ...

    def set_embedder_stamp(self, stamp: EmbedderStamp) -> None:
        """Record which embedder the stored vectors come from (see ``core.embedder_stamp``)."""
        ...

    def set_embeddings(self, chunk_ids: Sequence[str], embeddings: np.ndarray) -> None:
        """Replace the vectors of stored chunks in place (text and metadata unchanged)."""
        ...


class RankedId(BaseModel):
    """A chunk id found by keyword search, with its (BM25) score: higher is better."""

    chunk_id: str
    score: float


class KeywordIndex(Protocol):
    """Lexical search over chunk texts, scope-filtered inside the query like the vector index."""

    def search(self, question: str, scope: AccessScope, k: int) -> list[RankedId]:
        """Up to k chunk ids inside the scope that share terms with the question, best first."""
        ...


class DenseCache(Protocol):
    """Exact scoped dense search over derived data (a snapshot of the index's vectors)."""

    def dense_search(self, vector: np.ndarray, scope: AccessScope, k: int) -> list[RankedId] | None:
        """Top k chunk ids inside the scope by cosine, or None when the cache is not up to date
        (the caller then asks the vector index itself)."""
        ...


class ChunkLocator(Protocol):
    """Knows which chunk ids a document version has at which ordinals (derived data)."""

    def locate(self, version_key: str, ordinals: Sequence[int]) -> list[str] | None:
        """Ids at those ordinals (missing ordinals skipped), or None if the version is unknown."""
        ...


class Reranker(Protocol):
    """Scores (question, passage) pairs jointly; used to reorder the fused candidates."""

    def score(self, question: str, passages: Sequence[str]) -> list[float]:
        """One relevance score per passage, higher is better, deterministic for a given input."""
        ...


class ChatBackend(Protocol):
    """An instruct LLM: one deterministic chat completion (HTTP endpoint or local GGUF)."""

    def complete(self, messages: list[dict[str, str]]) -> str:
        """The assistant's reply, or BackendUnavailableError when the model cannot answer."""
        ...


class Retriever(Protocol):
    """Finds the chunks inside an access scope that best match a question."""

    def search(self, question: str, scope: AccessScope, k: int) -> list[SearchHit]:
        """Up to k hits, best first, every one inside ``scope`` and of a served version."""
        ...


class Answerer(Protocol):
    """Turns a question and its retrieved hits into a grounded, cited answer or an abstention."""

    def answer(self, question: str, hits: list[SearchHit], role: Role) -> Answer:
        """Answer only from ``hits``; abstain when they do not support an answer."""
        ...
