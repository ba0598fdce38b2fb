"""Pure ranking helpers of hybrid search: reciprocal rank fusion and near-duplicate collapse.

Kept free of I/O so their behaviour (weights, ties, duplicates) is tested in isolation.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import TypeVar

from pydantic import BaseModel

T = TypeVar("T")
_NON_WORD = re.compile(r"[\W_]+")


class Fused(BaseModel):
    """One chunk id after fusion, with where it came from."""

    chunk_id: str
    score: float
    dense_rank: int | None = None
    keyword_rank: int | None = None
    dense_score: float | None = None
    keyword_score: float | None = None

    @property
    def best_rank(self) -> int:
        """The better of its two ranks (for tie-breaking)."""
        ranks = [r for r in (self.dense_rank, self.keyword_rank) if r is not None]
        return min(ranks) if ranks else 1 << 30


def reciprocal_rank_fusion(
    dense: Sequence[tuple[str, float]],
    keyword: Sequence[tuple[str, float]],
    rrf_k: int,
    dense_weight: float = 1.0,
    keyword_weight: float = 1.0,
) -> list[Fused]:
    """Fuse two ranked lists of ``(chunk_id, score)``: ``sum(w / (rrf_k + rank))``, rank from 1.

    RRF uses ranks only, so cosine similarities and BM25 scores need no calibration. Ties are
    broken by the better single rank, then by chunk_id, so the order is deterministic.
    """
    fused: dict[str, Fused] = {}
    for rank, (cid, score) in enumerate(dense, start=1):
        item = fused.setdefault(cid, Fused(chunk_id=cid, score=0.0))
        if item.dense_rank is None:
            item.dense_rank, item.dense_score = rank, score
            item.score += dense_weight / (rrf_k + rank)
    for rank, (cid, score) in enumerate(keyword, start=1):
        item = fused.setdefault(cid, Fused(chunk_id=cid, score=0.0))
        if item.keyword_rank is None:
            item.keyword_rank, item.keyword_score = rank, score
            item.score += keyword_weight / (rrf_k + rank)
    return sorted(fused.values(), key=lambda f: (-f.score, f.best_rank, f.chunk_id))


def _min_max(items: Sequence[tuple[str, float]]) -> dict[str, float]:
    """Scores of one ranked list scaled to 0..1 (all 1.0 when they are equal)."""
    if not items:
        return {}
    low, high = min(s for _, s in items), max(s for _, s in items)
    span = high - low
    return {cid: (s - low) / span if span > 0 else 1.0 for cid, s in items}


def score_fusion(
    dense: Sequence[tuple[str, float]],
    keyword: Sequence[tuple[str, float]],
    dense_weight: float = 0.5,
    keyword_weight: float = 0.5,
) -> list[Fused]:
    """Fuse two ranked lists by a weighted sum of their min-max normalised scores (a chunk
    missing from a list gets 0 from it).

    Unlike RRF it uses how far apart the scores are, not only their order: a dense hit far
    ahead of the rest keeps its lead. Ties as in :func:`reciprocal_rank_fusion`.
    """
    fused: dict[str, Fused] = {}
    for weight, items, source in ((dense_weight, dense, "dense"), (keyword_weight, keyword, "kw")):
        scaled = _min_max(items)
        for rank, (cid, score) in enumerate(items, start=1):
            item = fused.setdefault(cid, Fused(chunk_id=cid, score=0.0))
            if source == "dense" and item.dense_rank is None:
                item.dense_rank, item.dense_score = rank, score
                item.score += weight * scaled[cid]
            elif source == "kw" and item.keyword_rank is None:
                item.keyword_rank, item.keyword_score = rank, score
                item.score += weight * scaled[cid]
    return sorted(fused.values(), key=lambda f: (-f.score, f.best_rank, f.chunk_id))


def normalise(text: str) -> str:
    """Case-, punctuation- and whitespace-insensitive form of a text."""
    return " ".join(_NON_WORD.sub(" ", text.casefold()).split())


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    """Overlap of two word sets (1.0 for two empty sets)."""
    if not a and not b:
        return 1.0
    return len(a & b) / len(a | b)


def collapse_duplicates(
    items: Sequence[T], text_of: Callable[[T], str], threshold: float
) -> list[T]:
    """Keep the first of each group of items whose texts are equal once normalised, or whose
    word sets overlap at least ``threshold`` (Jaccard). Order is preserved.

    Identical SOP text copied to two sites, or a chunk re-indexed under a new id, would otherwise
    fill the results with the same passage.
    """
    kept: list[T] = []
    seen_texts: set[str] = set()
    kept_words: list[frozenset[str]] = []
    for item in items:
        norm = normalise(text_of(item))
        if norm in seen_texts:
            continue
        words = frozenset(norm.split())
        if threshold < 1.0 and any(jaccard(words, other) >= threshold for other in kept_words):
            continue
        seen_texts.add(norm)
        kept_words.append(words)
        kept.append(item)
    return kept
