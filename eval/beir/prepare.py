"""Everything both the benchmark and the tuning need: data, cached embeddings, BM25 tokens."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from core.ports import Embedder
from eval.beir.data import BeirDataset, load_dataset
from eval.beir.embeddings import Progress, cache_path, cached_embeddings, texts_key
from eval.beir.methods import (
    BM25Params,
    FusionParams,
    KeywordCorpus,
    Ranking,
    dense_search,
    fuse,
    score_rankings,
)


@dataclass
class Prepared:
    """A data set with its embeddings and keyword corpus, ready to rank one split."""

    dataset: BeirDataset
    doc_matrix: np.ndarray
    query_vectors: dict[str, np.ndarray]
    keyword: KeywordCorpus
    docs_cached: bool
    cache_file: Path
    timings_s: dict[str, float] = field(default_factory=dict)

    @property
    def doc_ids(self) -> list[str]:
        """Corpus ids in row order of ``doc_matrix``."""
        return self.keyword.doc_ids

    def dense(self, k: int) -> dict[str, Ranking]:
        """Dense top k of every judged query."""
        return {
            qid: dense_search(self.doc_matrix, self.doc_ids, self.query_vectors[qid], k)
            for qid in self.dataset.split_queries
        }

    def bm25(self, params: BM25Params, k: int) -> dict[str, Ranking]:
        """BM25 top k of every judged query."""
        return {
            qid: self.keyword.search(text, params, k)
            for qid, text in self.dataset.split_queries.items()
        }

    def scores(self, rankings: dict[str, Ranking]) -> dict[str, float]:
        """nDCG@10 and recall@100 of rankings against this split's judgments."""
        return score_rankings(rankings, self.dataset.qrels)


def hybrid(
    dense: dict[str, Ranking], keyword: dict[str, Ranking], params: FusionParams
) -> dict[str, Ranking]:
    """Fused ranking of every query."""
    return {qid: fuse(dense[qid], keyword.get(qid, []), params) for qid in dense}


def prepare(
    root: Path,
    split: str,
    cache_dir: Path,
    embedder: Embedder,
    progress: Progress | None = None,
) -> Prepared:
    """Load ``root`` for ``split``; corpus embeddings come from ``<cache_dir>/<corpus hash>-
    <model>.npy`` when present (else are computed with ``progress`` and saved there)."""
    timings: dict[str, float] = {}
    started = time.perf_counter()
    dataset = load_dataset(root, split)
    path = cache_path(cache_dir, dataset.corpus_hash, embedder.model_id)
    matrix, cached = cached_embeddings(embedder, [d.joined for d in dataset.docs], path, progress)
    timings["embed_docs"] = round(time.perf_counter() - started, 2)
    started = time.perf_counter()
    queries = dataset.split_queries
    texts = list(queries.values())
    qpath = cache_path(cache_dir, texts_key(texts), f"{embedder.model_id}-queries")
    qmatrix, _ = cached_embeddings(embedder, texts, qpath)
    timings["embed_queries"] = round(time.perf_counter() - started, 2)
    started = time.perf_counter()
    keyword = KeywordCorpus(dataset.docs)
    timings["analyze"] = round(time.perf_counter() - started, 2)
    return Prepared(
        dataset=dataset,
        doc_matrix=matrix,
        query_vectors=dict(zip(queries, qmatrix, strict=True)),
        keyword=keyword,
        docs_cached=cached,
        cache_file=path,
        timings_s=timings,
    )
