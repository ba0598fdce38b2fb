"""Hybrid retrieval: dense + BM25 inside the access scope, fused, guarded, deduplicated.

Pipeline of :meth:`HybridRetriever.search_timed`:

1. dense search and keyword search (``KeywordIndex.search``), each with the scope applied inside
   the query, ``candidates`` hits each; dense search uses the exact in-memory snapshot of the
   index (``DenseCache``) when it is of the current index generation, else ``VectorIndex.query``;
2. weighted reciprocal rank fusion, ties broken by best single rank then chunk_id; records
   (work orders, incidents) weigh ``record_weight`` unless the question is about the past
   (``authority.py``);
3. every candidate is checked again against the scope with its live flags, and kept only if
   its ``version_key`` is the one SQL serves (``core.registry.served_versions``): the guard
   against half-finished re-index switches, where the vector index briefly holds two versions;
4. near-duplicate chunks collapse (same normalised text or word-set Jaccard >= threshold);
5. optional cross-encoder rerank of the top candidates;
6. the top k are taken, joining neighbours when numbered steps continue across chunks (a hit
   already inside an earlier hit's joined context is skipped).
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np
from pydantic import BaseModel, Field

from core.answers import SearchHit
from core.db.engine import Database
from core.models import AccessScope, Chunk, DocumentStatus
from core.ports import (
    ChunkLocator,
    DenseCache,
    Embedder,
    KeywordIndex,
    Reranker,
    ScoredChunk,
    VectorIndex,
)
from core.registry import served_versions, version_statuses
from core.settings import RetrievalSettings
from retrieval.authority import authority_weights
from retrieval.context import join_text, step_context
from retrieval.fusion import Fused, collapse_duplicates, reciprocal_rank_fusion


class TimedHits(BaseModel):
    """Hits of one search and how long each stage took, in milliseconds."""

    hits: list[SearchHit]
    timings_ms: dict[str, float] = Field(default_factory=dict)


class _Candidate(BaseModel):
    """A fused candidate with its chunk resolved."""

    fused: Fused
    chunk: Chunk
    rerank_score: float | None = None


class HybridRetriever:
    """The :class:`core.ports.Retriever` of the product (see the module docstring)."""

    def __init__(
        self,
        index: VectorIndex,
        embedder: Embedder,
        keyword: KeywordIndex | None,
        db: Database,
        settings: RetrievalSettings,
        reranker: Reranker | None = None,
        locator: ChunkLocator | None = None,
        dense_cache: DenseCache | None = None,
    ) -> None:
        self._index = index
        self._embedder = embedder
        self._keyword = keyword
        self._db = db
        self._settings = settings
        self._reranker = reranker
        self._locator = locator
        self._dense_cache = dense_cache

    def search(self, question: str, scope: AccessScope, k: int) -> list[SearchHit]:
        """Up to k hits, best first, each inside ``scope`` and of a served version."""
        return self.search_timed(question, scope, k).hits

    def search_timed(self, question: str, scope: AccessScope, k: int) -> TimedHits:
        """Search and report per-stage latency (embed, dense, keyword, guard, rerank, context)."""
        timings: dict[str, float] = {}
        started = time.perf_counter()
        if k <= 0 or not question.strip():
            return TimedHits(hits=[], timings_ms={"total": 0.0})
        dense, known, keyword = self._retrieve(question, scope, timings)
        with _timer(timings, "fuse_guard"):
            s = self._settings
            fused = reciprocal_rank_fusion(
                dense,
                keyword,
                s.rrf_k,
                s.dense_weight,
                s.keyword_weight,
            )
            candidates = self._candidates(fused, known, scope, self._needed(k))
            candidates = self._prefer_authority(question, candidates)
        with _timer(timings, "rerank"):
            candidates = self._rerank(question, candidates, k)
        with _timer(timings, "context"):
            hits = self._select(candidates, k)
        timings["total"] = round((time.perf_counter() - started) * 1000, 3)
        return TimedHits(hits=hits, timings_ms=timings)

    def _retrieve(
        self, question: str, scope: AccessScope, timings: dict[str, float]
    ) -> tuple[list[tuple[str, float]], dict[str, ScoredChunk], list[tuple[str, float]]]:
        """Both scoped ranked lists of (chunk_id, score), and the chunks already fetched;
        a zero weight skips that retriever."""
        n = self._settings.candidates
        dense: list[tuple[str, float]] = []
        known: dict[str, ScoredChunk] = {}
        keyword: list[tuple[str, float]] = []
        if self._settings.dense_weight > 0:
            with _timer(timings, "embed"):
                vector = self._embedder.embed_query(question)
            with _timer(timings, "dense"):
                dense, known = self._dense(vector, scope, n)
        if self._keyword is not None and self._settings.keyword_weight > 0:
            with _timer(timings, "keyword"):
                keyword = [(h.chunk_id, h.score) for h in self._keyword.search(question, scope, n)]
        return dense, known, keyword

    def _dense(
        self, vector: np.ndarray, scope: AccessScope, n: int
    ) -> tuple[list[tuple[str, float]], dict[str, ScoredChunk]]:
        """Scoped nearest chunk ids: from the fresh dense cache (chunks fetched later with the
        keyword hits, in one call), else from the vector index (chunks included)."""
        ranked = self._dense_cache.dense_search(vector, scope, n) if self._dense_cache else None
        if ranked is not None:
            return [(r.chunk_id, r.score) for r in ranked], {}
        hits = self._index.query(vector, scope, n)
        return [(h.chunk.chunk_id, h.score) for h in hits], {h.chunk.chunk_id: h for h in hits}

    def _needed(self, k: int) -> int:
        """Candidates to keep: twice k (room for hits merged into a neighbour's context), and
        every candidate the reranker should see."""
        return max(2 * k, self._settings.rerank_candidates if self._reranker else 0)

    def _candidates(
        self, fused: list[Fused], known: dict[str, ScoredChunk], scope: AccessScope, need: int
    ) -> list[_Candidate]:
        """Resolve, guard and de-duplicate fused ids in rank order, a batch at a time, until
        ``need`` survive: fetching 60 chunks from a store to keep 16 costs more than it gives."""
        kept: list[_Candidate] = []
        for start in range(0, len(fused), need):
            batch = self._resolve(fused[start : start + need], known, scope)
            kept = collapse_duplicates(
                kept + self._served_only(batch, scope),
                lambda c: c.chunk.text,
                self._settings.dedup_overlap,
            )
            if len(kept) >= need:
                break
        return kept

    def _resolve(
        self, fused: list[Fused], known: dict[str, ScoredChunk], scope: AccessScope
    ) -> list[_Candidate]:
        """Attach chunks (one fetch for ids not yet known) and re-check the scope on live flags."""
        known = dict(known)
        missing = [f.chunk_id for f in fused if f.chunk_id not in known]
        known.update({h.chunk.chunk_id: h for h in self._index.get(missing)})
        out = []
        for item in fused:
            hit = known.get(item.chunk_id)
            if hit is not None and scope.allows(hit.chunk.site, hit.chunk.audience, hit.current):
                out.append(_Candidate(fused=item, chunk=hit.chunk))
        return out

    def _served_only(self, candidates: list[_Candidate], scope: AccessScope) -> list[_Candidate]:
        """Drop chunks whose version SQL does not serve (or, for audit scopes, keep superseded)."""
        if not candidates:
            return []
        with self._db.session() as session:
            served = served_versions(session, {c.chunk.doc_id for c in candidates})
            superseded: set[str] = set()
            if scope.include_superseded:
                statuses = version_statuses(session, {c.chunk.version_key for c in candidates})
                superseded = {
                    key
                    for key, status in statuses.items()
                    if status == DocumentStatus.SUPERSEDED.value
                }
        return [
            c
            for c in candidates
            if served.get(c.chunk.doc_id) == c.chunk.version_key
            or c.chunk.version_key in superseded
        ]

    def _prefer_authority(self, question: str, candidates: list[_Candidate]) -> list[_Candidate]:
        """Weigh record chunks down unless the question is about the past (``authority``);
        a stable sort, so equal scores keep the fused order."""
        weights = authority_weights(
            question, [c.chunk.doc_type for c in candidates], self._settings.record_weight
        )
        for candidate, weight in zip(candidates, weights, strict=True):
            if weight != 1.0:
                fused = candidate.fused
                candidate.fused = fused.model_copy(update={"score": fused.score * weight})
        return sorted(candidates, key=lambda c: -c.fused.score)

    def _rerank(self, question: str, candidates: list[_Candidate], k: int) -> list[_Candidate]:
        """Reorder the top candidates by cross-encoder score (stable: ties keep fused order).

        At least k candidates are scored, so every returned hit carries a rerank score.
        """
        if self._reranker is None or not candidates:
            return candidates
        top = candidates[: max(self._settings.rerank_candidates, k)]
        scores = self._reranker.score(question, [c.chunk.text for c in top])
        for candidate, score in zip(top, scores, strict=True):
            candidate.rerank_score = float(score)
        prior = self._settings.rerank_rank_prior
        value = [_logit_scale(s) - prior * math.log1p(i) for i, s in enumerate(scores)]
        order = sorted(range(len(top)), key=lambda i: (-value[i], i))
        return [top[i] for i in order] + candidates[len(top) :]

    def _select(self, candidates: list[_Candidate], k: int) -> list[SearchHit]:
        """The first k candidates as hits, with step context joined, skipping covered chunks."""
        s = self._settings
        hits: list[SearchHit] = []
        covered: set[str] = set()
        for candidate in candidates:
            if len(hits) == k:
                break
            if candidate.chunk.chunk_id in covered:
                continue
            joined = None
            if s.join_steps:
                joined = step_context(
                    candidate.chunk,
                    self._index,
                    s.max_join_chunks,
                    s.max_context_chars,
                    self._locator,
                )
            hit = _to_hit(len(hits) + 1, candidate, joined)
            covered.update(hit.context_chunk_ids or [candidate.chunk.chunk_id])
            hits.append(hit)
        return hits


def _logit_scale(score: float) -> float:
    """A probability (0 < p < 1) on the logit scale, where a fixed prior is a fixed odds ratio;
    any other score (a cross-encoder logit) as it is."""
    if 0.0 < score < 1.0:
        return math.log(score / (1.0 - score))
    return score


def _to_hit(rank: int, candidate: _Candidate, joined: list[Chunk] | None) -> SearchHit:
    f = candidate.fused
    score = candidate.rerank_score if candidate.rerank_score is not None else f.score
    return SearchHit(
        rank=rank,
        chunk=candidate.chunk,
        score=round(score, 8),
        dense_score=f.dense_score,
        keyword_score=f.keyword_score,
        rerank_score=candidate.rerank_score,
        context_text=join_text(joined) if joined else None,
        context_chunk_ids=[c.chunk_id for c in joined] if joined else [],
    )


@contextmanager
def _timer(timings: dict[str, float], name: str) -> Iterator[None]:
    started = time.perf_counter()
    try:
        yield
    finally:
        timings[name] = round((time.perf_counter() - started) * 1000, 3)
