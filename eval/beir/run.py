"""One ``plant-copilot eval beir`` invocation: optionally tune on train, then benchmark a split."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel

from core.ports import Embedder, Reranker
from eval.beir.bench import DEPTH, BeirReport, run_benchmark
from eval.beir.embeddings import Progress
from eval.beir.methods import MethodParams
from eval.beir.prepare import Prepared, hybrid, prepare
from eval.beir.rerank import (
    DEFAULT_RERANK_PARAMS,
    RerankParams,
    TunedRerank,
    load_rerank,
    save_rerank,
    tune_rerank,
    tune_split,
)
from eval.beir.tune import (
    DEFAULT_PARAMS_FILE,
    TUNE_SPLIT,
    TunedParams,
    load_params,
    save_params,
    tune,
)


class BeirOptions(BaseModel):
    """Flags of ``eval beir``."""

    root: Path
    split: str = "test"
    params_file: Path = DEFAULT_PARAMS_FILE
    tune: bool = False
    tune_rerank: bool = False
    rerank_params_file: Path = DEFAULT_RERANK_PARAMS
    rerank_top: int | None = None
    rerank_mix: float | None = None


def run_beir(
    options: BeirOptions,
    embedder: Embedder,
    cache_dir: Path,
    reranker: Reranker | None = None,
    progress: Progress | None = None,
) -> BeirReport:
    """Tune on the train split first when asked (writing the params file), then score
    ``options.split`` with the recorded parameters (product defaults when there are none).
    With a reranker, ``tune_rerank`` first chooses its candidates and mixing on the held-out
    train queries (``eval/beir/rerank.py``); explicit ``rerank_top``/``rerank_mix`` win."""
    if options.tune:
        train = prepare(options.root, TUNE_SPLIT, cache_dir, embedder, progress)
        save_params(tune(train), options.params_file)
    tuned = load_params(options.params_file)
    if reranker is not None and options.tune_rerank:
        train = tune_split(prepare(options.root, TUNE_SPLIT, cache_dir, embedder, progress))
        save_rerank(_tune_rerank(train, tuned, reranker), options.rerank_params_file)
    prepared = prepare(options.root, options.split, cache_dir, embedder, progress)
    if tuned is not None and tuned.corpus_hash != prepared.dataset.corpus_hash:
        tuned = None  # parameters of another corpus: fall back to the defaults
    chosen = load_rerank(options.rerank_params_file) or RerankParams(top=100)
    top = options.rerank_top if options.rerank_top is not None else chosen.top
    mix = options.rerank_mix if options.rerank_mix is not None else chosen.mix
    return run_benchmark(prepared, tuned, reranker, top, mix)


def _tune_rerank(train: Prepared, tuned: TunedParams | None, reranker: Reranker) -> TunedRerank:
    """Rerank parameters chosen over the hybrid ranking of the (held-out) train queries."""
    params = tuned.params if tuned is not None else MethodParams()
    fused = hybrid(train.dense(DEPTH), train.bm25(params.bm25, DEPTH), params.fusion)
    return tune_rerank(train, fused, reranker)
