"""One ``plant-copilot eval beir`` invocation: optionally tune on train, then benchmark a split."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel

from core.ports import Embedder, Reranker
from eval.beir.bench import BeirReport, run_benchmark
from eval.beir.embeddings import Progress
from eval.beir.prepare import prepare
from eval.beir.tune import DEFAULT_PARAMS_FILE, TUNE_SPLIT, load_params, save_params, tune


class BeirOptions(BaseModel):
    """Flags of ``eval beir``."""

    root: Path
    split: str = "test"
    params_file: Path = DEFAULT_PARAMS_FILE
    tune: bool = False
    rerank_top: int = 100


def run_beir(
    options: BeirOptions,
    embedder: Embedder,
    cache_dir: Path,
    reranker: Reranker | None = None,
    progress: Progress | None = None,
) -> BeirReport:
    """Tune on the train split first when asked (writing the params file), then score
    ``options.split`` with the recorded parameters (product defaults when there are none)."""
    if options.tune:
        train = prepare(options.root, TUNE_SPLIT, cache_dir, embedder, progress)
        save_params(tune(train), options.params_file)
    tuned = load_params(options.params_file)
    prepared = prepare(options.root, options.split, cache_dir, embedder, progress)
    if tuned is not None and tuned.corpus_hash != prepared.dataset.corpus_hash:
        tuned = None  # parameters of another corpus: fall back to the defaults
    return run_benchmark(prepared, tuned, reranker, options.rerank_top)
