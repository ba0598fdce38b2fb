"""``plant-copilot eval beir``: nDCG@10 and recall@100 of bm25, dense, hybrid (and rerank).

Parameters come from the params file chosen on the train split (``eval/beir/tune.py``); the
product defaults (BM25 k1 1.5 / b 0.75, RRF k 60, equal weights) are reported beside them as
baselines. Dense search is exact cosine in memory over cached embeddings: this benchmarks the
retrieval method, not Chroma.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from core.ports import Reranker
from eval.beir.methods import BM25Params, FusionParams, MethodParams, Ranking
from eval.beir.prepare import Prepared, hybrid
from eval.beir.reference import Reference, load_references
from eval.beir.rerank import RerankParams, apply, read_heads
from eval.beir.tune import TunedParams

DEPTH = 300
"""Hits kept per retriever and query (recall@100 needs at least 100)."""
NOTE = (
    "dense = exact in-memory cosine over cached all-MiniLM-L6-v2 embeddings of title + text "
    "(a benchmark of the retrieval method, not of Chroma); bm25 = the product's analyzer and "
    "Lucene BM25; hybrid = the product's fusion code"
)


class BeirReport(BaseModel):
    """Scores of every method on one split, beside the published references."""

    dataset: str
    split: str
    queries: int
    docs: int
    bm25: dict[str, float]
    dense: dict[str, float]
    hybrid: dict[str, float]
    rerank: dict[str, float] | None = None
    baselines: dict[str, dict[str, float]] = Field(default_factory=dict)
    reference: dict[str, dict[str, Any]] = Field(default_factory=dict)
    params: dict[str, Any]
    timings_s: dict[str, float]
    note: str = NOTE

    def public(self) -> dict[str, Any]:
        """The JSON document of ``eval beir --json``."""
        return self.model_dump(mode="json")


def _reference_json(refs: dict[str, Reference]) -> dict[str, dict[str, Any]]:
    return {
        name: {"ndcg@10": r.ndcg_at_10, "recall@100": r.recall_at_100, "verified": r.verified}
        for name, r in refs.items()
    }


def rerank_rankings(
    prepared: Prepared,
    rankings: dict[str, Ranking],
    reranker: Reranker,
    top: int,
    mix: float = 0.0,
) -> dict[str, Ranking]:
    """Reader scores for the first ``top`` hits of each query (plus ``mix`` times the scaled
    hybrid score, see ``eval/beir/rerank.py``); the rest keep their order."""
    heads = read_heads(prepared, rankings, reranker, top)
    return apply(rankings, heads, RerankParams(top=top, mix=mix))


def _baselines(prepared: Prepared, dense: dict[str, Ranking]) -> dict[str, dict[str, float]]:
    """The product defaults (BM25 k1 1.5 / b 0.75, RRF k 60, equal weights) on this split."""
    keyword = prepared.bm25(BM25Params(), DEPTH)
    return {
        "bm25_defaults": prepared.scores(keyword),
        "hybrid_rrf60_defaults": prepared.scores(hybrid(dense, keyword, FusionParams())),
    }


def _params_json(
    prepared: Prepared, params: MethodParams, tuned: TunedParams | None
) -> dict[str, Any]:
    return {
        **params.model_dump(),
        "source": "train split (params file)" if tuned else "product defaults (no params file)",
        "train_scores": tuned.train_scores if tuned else None,
        "embeddings_cache": str(prepared.cache_file),
        "embeddings_cached": prepared.docs_cached,
    }


def _timed(timings: dict[str, float], name: str, started: float) -> None:
    timings[name] = round(time.perf_counter() - started, 2)


def run_benchmark(
    prepared: Prepared,
    tuned: TunedParams | None,
    reranker: Reranker | None = None,
    rerank_top: int = 100,
    rerank_mix: float = 0.0,
) -> BeirReport:
    """Rank the split with every method and score it."""
    params = tuned.params if tuned is not None else MethodParams()
    timings = dict(prepared.timings_s)
    started = time.perf_counter()
    keyword = prepared.bm25(params.bm25, DEPTH)
    _timed(timings, "bm25", started)
    started = time.perf_counter()
    dense = prepared.dense(DEPTH)
    _timed(timings, "dense", started)
    started = time.perf_counter()
    fused = hybrid(dense, keyword, params.fusion)
    _timed(timings, "hybrid", started)
    report = BeirReport(
        dataset=prepared.dataset.name,
        split=prepared.dataset.split,
        queries=len(prepared.dataset.qrels),
        docs=len(prepared.dataset.docs),
        bm25=prepared.scores(keyword),
        dense=prepared.scores(dense),
        hybrid=prepared.scores(fused),
        baselines=_baselines(prepared, dense),
        reference=_reference_json(load_references(prepared.dataset.root)),
        params=_params_json(prepared, params, tuned),
        timings_s=timings,
    )
    if reranker is not None:
        started = time.perf_counter()
        reranked = rerank_rankings(prepared, fused, reranker, rerank_top, rerank_mix)
        report.rerank = prepared.scores(reranked)
        report.params["rerank"] = {"top": rerank_top, "mix": rerank_mix}
        _timed(report.timings_s, "rerank", started)
    return report


def default_cache_dir(home: Path) -> Path:
    """``<home>/beir-cache``."""
    return home / "beir-cache"
