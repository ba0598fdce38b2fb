"""The one place that turns Settings into concrete components (private-gpt style).

No registries, no containers: a plain function that picks implementations from settings.
Heavy parts (the embedding model) are created on first use.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from core.db.engine import Database
from core.policy import AccessPolicy
from core.ports import Answerer, ChatBackend, Embedder, Reranker, Retriever, VectorIndex
from core.settings import Settings
from ingestion.pipeline import Ingestor
from services.asset_rows import RecordMatcher


def make_embedder(settings: Settings) -> Embedder:
    """The configured embedder: MiniLM in ONNX Runtime or torch, or the hashing fake."""
    options = settings.embedding
    if options.backend == "hashing":
        from retrieval.embedders import HashingEmbedder

        return HashingEmbedder(options.dimension)
    if options.backend == "onnx":
        from retrieval.adapters.onnx_minilm import OnnxMiniLMEmbedder

        return OnnxMiniLMEmbedder(
            options.resolved_onnx_dir, options.onnx_precision, options.batch_size, options.threads
        )
    from retrieval.adapters.minilm import MiniLMEmbedder

    return MiniLMEmbedder(options.model_path, options.batch_size)


def make_index(settings: Settings) -> VectorIndex:
    """The configured vector index (Chroma embedded or server)."""
    from retrieval.adapters.chroma_index import ChromaVectorIndex, make_client

    chroma = settings.chroma
    token = chroma.token.get_secret_value() if chroma.token else None
    client = make_client(
        chroma.mode,
        settings.chroma_path,
        chroma.host,
        chroma.port,
        token,
        ssl=chroma.ssl,
        timeout_s=chroma.timeout_s,
    )
    return ChromaVectorIndex(client, chroma.collection)


def make_answerer(
    settings: Settings, index: VectorIndex, reader: Reranker | None = None
) -> Answerer:
    """The reader answerer (``reader``, else the shipped reader model); with an LLM configured
    (``llm.base_url`` or ``llm.backend="gguf"``), the LLM answerer guarded by it.

    Both look up safety notices of a cited chunk's section through the index.
    """
    from services.answering.reader import ReaderAnswerer
    from services.answering.safety import IndexSectionLookup

    lookup = IndexSectionLookup(index)
    base = ReaderAnswerer(reader or make_reader(settings), settings.answer, lookup)
    if not settings.llm.enabled:
        return base
    from services.answering.llm import LLMAnswerer

    return LLMAnswerer(settings.llm, settings.answer, base, lookup, client=make_chat(settings))


def make_chat(settings: Settings) -> ChatBackend:
    """The configured chat backend of the LLM answer mode: HTTP endpoint or local GGUF."""
    llm = settings.llm
    if llm.backend == "gguf":
        from services.local_llm import GgufChat

        return GgufChat(llm.resolved_model_path, llm.threads, max_tokens=llm.max_tokens)
    from services.answering.llm import ChatClient

    return ChatClient(llm)


def make_reader(settings: Settings, max_length: int | None = None) -> Reranker:
    """The shipped reader model (int8 ONNX cross-encoder, ``retrieval.reader_model_path``) reading
    pairs up to ``max_length`` word pieces (default: the length the answerer reads units at), or
    the word-overlap fake (``retrieval.reader_backend="overlap"``) for tests."""
    options = settings.retrieval
    if options.reader_backend == "overlap":
        from retrieval.readers import OverlapReader

        return OverlapReader()
    from retrieval.adapters.reader_onnx import (
        DEFAULT_MODEL_DIR,
        UNIT_MAX_LENGTH,
        ReaderOnnxReranker,
    )

    return ReaderOnnxReranker(
        options.reader_model_path or DEFAULT_MODEL_DIR,
        max_length=max_length or UNIT_MAX_LENGTH,
        threads=options.reader_threads,
    )


def make_reranker(settings: Settings) -> Reranker | None:
    """The configured reranker (``retrieval.reranker``), or None when reranking is off.

    ``reader`` is the shipped ONNX reader; ``cross-encoder`` (or, when ``reranker`` is unset, a
    configured ``rerank_model_path``) is a transformers model from a local directory.
    """
    options = settings.retrieval
    choice = options.reranker
    if choice is None:
        choice = "cross-encoder" if options.rerank_model_path is not None else "none"
    if choice == "none":
        return None
    if choice == "reader":
        return make_reader(settings, options.rerank_max_length)
    from retrieval.adapters.cross_encoder import CrossEncoderReranker

    assert options.rerank_model_path is not None  # the settings validator guarantees it
    return CrossEncoderReranker(options.rerank_model_path)


def make_retriever(
    settings: Settings,
    db: Database,
    index: VectorIndex,
    embedder: Embedder,
    reranker: Reranker | None = None,
) -> Retriever:
    """Hybrid retriever: dense over ``index``, BM25 synced to the index generation, fused.

    Refuses (EmbedderMismatchError) an index whose vectors another embedder made.
    """
    from core.embedder_stamp import require_compatible
    from retrieval.adapters.bm25_index import synced_index
    from retrieval.hybrid import HybridRetriever

    require_compatible(index, embedder)
    options = settings.retrieval
    snapshot = synced_index(
        index,
        db,
        settings.keyword_path,
        vectors=options.dense_snapshot,
        background=options.keyword_refresh == "background",
        embedder=embedder.model_id,
    )
    return HybridRetriever(
        index,
        embedder,
        snapshot,
        db,
        options,
        reranker=reranker,
        locator=snapshot,
        dense_cache=snapshot if options.dense_snapshot else None,
    )


@dataclass
class Components:
    """Everything a command or page needs, built once per process from settings."""

    settings: Settings
    db: Database
    policy: AccessPolicy
    index_factory: Callable[[], VectorIndex]
    embedder_factory: Callable[[], Embedder]
    _index: VectorIndex | None = field(default=None, repr=False)
    _embedder: Embedder | None = field(default=None, repr=False)
    _answerer: Answerer | None = field(default=None, repr=False)
    _retriever: Retriever | None = field(default=None, repr=False)
    _reranker: Reranker | None = field(default=None, repr=False)
    _reranker_built: bool = field(default=False, repr=False)
    _matcher: RecordMatcher | None = field(default=None, repr=False)
    _lock: threading.RLock = field(default_factory=threading.RLock, repr=False)

    @property
    def index(self) -> VectorIndex:
        """The vector index, opened on first use (a no-op re-ingest never opens it)."""
        with self._lock:
            if self._index is None:
                self._index = self.index_factory()
            return self._index

    def embedder(self) -> Embedder:
        """The embedder, created on first use (loading the model takes seconds)."""
        with self._lock:
            if self._embedder is None:
                self._embedder = self.embedder_factory()
            return self._embedder

    def reranker(self) -> Reranker | None:
        """The configured reranker (None when off), built once: the retriever and a reader
        answerer share one loaded model."""
        with self._lock:
            if not self._reranker_built:
                self._reranker = make_reranker(self.settings)
                self._reranker_built = True
            return self._reranker

    def answerer(self) -> Answerer:
        """The configured answerer, created on first use (see :func:`make_answerer`)."""
        with self._lock:
            if self._answerer is None:
                shared = self.reranker() if self.settings.retrieval.reranker == "reader" else None
                self._answerer = make_answerer(self.settings, self.index, shared)
            return self._answerer

    def record_matcher(self) -> RecordMatcher:
        """The asset-history record matcher; it shares the embedder and caches row vectors."""
        embedder = self.embedder()
        with self._lock:
            if self._matcher is None:
                self._matcher = RecordMatcher(embedder, self.settings.answer.history_margin)
            return self._matcher

    def retriever(self) -> Retriever:
        """The hybrid retriever, built on first use and cached (the model loads lazily)."""
        if self._retriever is None:
            embedder = self.embedder()
            with self._lock:
                if self._retriever is None:
                    self._retriever = make_retriever(
                        self.settings, self.db, self.index, embedder, self.reranker()
                    )
        return self._retriever

    def ingestor(self) -> Ingestor:
        """An ingestor over this registry and index."""
        return Ingestor(
            self.db,
            lambda: self.index,
            self.embedder,
            self.policy,
            self.settings.chunking,
            self.settings.ingest.max_file_bytes,
            self.settings.ingest.lock_wait_s,
        )


def build(
    settings: Settings,
    index: VectorIndex | None = None,
    embedder: Callable[[], Embedder] | None = None,
) -> Components:
    """Wire components from settings; tests may pass their own index or embedder factory."""
    db = Database(settings.resolved_database_url)
    db.upgrade()
    return Components(
        settings=settings,
        db=db,
        index_factory=(lambda: index) if index is not None else (lambda: make_index(settings)),
        policy=AccessPolicy.load(settings.policy_file),
        embedder_factory=embedder or (lambda: make_embedder(settings)),
    )
