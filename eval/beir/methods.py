"""The retrieval methods benchmarked on BEIR, built from the product's own pieces.

* **bm25**: the product's analyzer (``retrieval.adapters.analyzer``: Snowball stemming, Lucene
  stopwords, glued tags) and its Lucene-variant bm25s index (``build_bm25`` /
  ``query_scores``), over ``title`` repeated ``title_repeat`` times plus ``text``;
* **dense**: exact cosine over cached MiniLM embeddings with the product's
  ``retrieval.dense_matrix.top_k`` (in memory: a benchmark of the method, not of Chroma);
* **hybrid**: the product's fusion (``retrieval.fusion``): weighted reciprocal rank fusion, or
  a weighted sum of min-max normalised scores, over the top ``candidates`` of each.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import numpy as np
from pydantic import BaseModel, Field

from eval.beir.data import BeirDoc
from eval.metrics import ndcg_at, recall_at
from retrieval.adapters.analyzer import analyze
from retrieval.adapters.bm25_index import build_bm25, query_scores
from retrieval.dense_matrix import top_k
from retrieval.fusion import reciprocal_rank_fusion, score_fusion

Ranking = list[tuple[str, float]]
"""(doc id, score), best first."""


class BM25Params(BaseModel):
    """Keyword side: Lucene BM25 saturation and length normalisation, title weight."""

    k1: float = 1.5
    b: float = 0.75
    title_repeat: int = Field(default=1, ge=0, description="Title copies before the text")


class FusionParams(BaseModel):
    """How dense and keyword rankings are combined."""

    method: Literal["rrf", "score"] = "rrf"
    rrf_k: int = 60
    dense_weight: float = 1.0
    keyword_weight: float = 1.0
    candidates: int = Field(default=100, ge=1, description="Hits taken from each retriever")


class MethodParams(BaseModel):
    """Every tunable of the benchmark."""

    bm25: BM25Params = Field(default_factory=BM25Params)
    fusion: FusionParams = Field(default_factory=FusionParams)


def doc_text(doc: BeirDoc, title_repeat: int) -> str:
    """The keyword-indexed text of a document: the title ``title_repeat`` times, then the text."""
    return " ".join([doc.title] * title_repeat + [doc.text]).strip()


class KeywordCorpus:
    """BM25 over a BEIR corpus with the product's analyzer; tokens are analysed once."""

    def __init__(self, docs: Sequence[BeirDoc]) -> None:
        self.doc_ids = [d.doc_id for d in docs]
        self._titles = [analyze(d.title) for d in docs]
        self._texts = [analyze(d.text) for d in docs]
        self._model_key: tuple[float, float, int] | None = None
        self._model = None

    def _ensure(self, params: BM25Params) -> None:
        key = (params.k1, params.b, params.title_repeat)
        if key != self._model_key:
            tokens = [
                title * params.title_repeat + text
                for title, text in zip(self._titles, self._texts, strict=True)
            ]
            self._model = build_bm25(tokens, params.k1, params.b)
            self._model_key = key

    def search(self, query: str, params: BM25Params, k: int) -> Ranking:
        """Top k documents with a positive score (ties by corpus order)."""
        self._ensure(params)
        scores = query_scores(self._model, query) if self._model is not None else None
        if scores is None:
            return []
        found = np.flatnonzero(scores > 0)
        if len(found) > k:
            found = found[np.argpartition(-scores[found], k - 1)[:k]]
        order = found[np.lexsort((found, -scores[found]))]
        return [(self.doc_ids[i], float(scores[i])) for i in order]


def dense_search(matrix: np.ndarray, doc_ids: Sequence[str], query: np.ndarray, k: int) -> Ranking:
    """Exact cosine top k (vectors are normalised) with the product's ``top_k``."""
    mask = np.ones(len(doc_ids), dtype=bool)
    return [(doc_ids[row], score) for row, score in top_k(matrix, mask, query, k)]


def fuse(dense: Ranking, keyword: Ranking, params: FusionParams) -> Ranking:
    """The hybrid ranking of one query."""
    d, kw = dense[: params.candidates], keyword[: params.candidates]
    if params.method == "rrf":
        fused = reciprocal_rank_fusion(
            d, kw, params.rrf_k, params.dense_weight, params.keyword_weight
        )
    else:
        fused = score_fusion(d, kw, params.dense_weight, params.keyword_weight)
    return [(f.chunk_id, f.score) for f in fused]


def score_rankings(
    rankings: dict[str, Ranking], qrels: dict[str, dict[str, int]]
) -> dict[str, float]:
    """Mean nDCG@10 and recall@100 over the judged queries (binary relevance; SciFact's
    judgments are all grade 1). A query without a ranking scores 0."""
    ndcg, recall = [], []
    for qid, judged in qrels.items():
        units = {doc_id: i for i, doc_id in enumerate(judged)}
        gains = [
            frozenset({units[d]}) if d in units else frozenset() for d, _ in rankings.get(qid, [])
        ]
        ndcg.append(ndcg_at(gains, len(units), 10))
        recall.append(recall_at(gains, len(units), 100))
    n = max(len(qrels), 1)
    return {"ndcg@10": round(sum(ndcg) / n, 4), "recall@100": round(sum(recall) / n, 4)}
