"""Choose the benchmark's parameters on the TRAIN split only, and record them with their scores.

Two stages, both scored by nDCG@10 on ``qrels/train.tsv``: BM25 ``k1``/``b``/title weight by
BM25 alone, then the fusion (RRF ``rrf_k`` and dense weight, or min-max score fusion weight,
and candidates per retriever) on that BM25. The test split is never read here. The result is
written to ``eval/beir_params.json`` and used by ``plant-copilot eval beir``.
"""

from __future__ import annotations

import itertools
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from eval.beir.methods import BM25Params, FusionParams, MethodParams, Ranking
from eval.beir.prepare import Prepared, hybrid

TUNE_SPLIT = "train"
DEFAULT_PARAMS_FILE = Path(__file__).resolve().parents[1] / "beir_params.json"
_DEPTH = 300
BM25_GRID = {"k1": (0.9, 1.2, 1.5), "b": (0.4, 0.75, 1.0), "title_repeat": (1, 2)}
RRF_GRID = {"rrf_k": (5, 10, 20, 40, 60, 100), "dense_weight": (0.5, 0.75, 1.0, 1.25, 1.5, 2.0)}
SCORE_WEIGHTS = (0.2, 0.3, 0.4, 0.5, 0.6, 0.7)
CANDIDATES = (50, 100, 200)


class TunedParams(BaseModel):
    """The chosen parameters, where they were chosen, and their train scores."""

    dataset: str
    corpus_hash: str
    chosen_on: str
    train_queries: int
    params: MethodParams
    train_scores: dict[str, dict[str, float]]
    tried: dict[str, int]
    created_at: datetime


def _grid(grid: dict[str, tuple[Any, ...]]) -> list[dict[str, Any]]:
    return [dict(zip(grid, values, strict=True)) for values in itertools.product(*grid.values())]


def _fusion_grid() -> list[FusionParams]:
    rrf = [
        FusionParams(method="rrf", candidates=c, **p) for c in CANDIDATES for p in _grid(RRF_GRID)
    ]
    score = [
        FusionParams(method="score", dense_weight=w, keyword_weight=round(1 - w, 2), candidates=c)
        for c in CANDIDATES
        for w in SCORE_WEIGHTS
    ]
    return rrf + score


def _best(scored: list[tuple[dict[str, float], Any]]) -> tuple[dict[str, float], Any]:
    """Highest nDCG@10; ties go to the earlier (simpler) candidate."""
    return max(scored, key=lambda pair: pair[0]["ndcg@10"])


def tune(prepared: Prepared) -> TunedParams:
    """Grid-search the parameters on ``prepared`` (which must hold the train split)."""
    if prepared.dataset.split != TUNE_SPLIT:
        raise ValueError(f"parameters are tuned on the {TUNE_SPLIT} split only")
    bm25_scored = []
    runs: dict[str, dict[str, Ranking]] = {}
    for values in _grid(BM25_GRID):
        params = BM25Params(**values)
        ranking = prepared.bm25(params, _DEPTH)
        bm25_scored.append((prepared.scores(ranking), params))
        runs[params.model_dump_json()] = ranking
    bm25_score, bm25_params = _best(bm25_scored)
    keyword = runs[bm25_params.model_dump_json()]
    dense = prepared.dense(_DEPTH)
    fusion_scored = [(prepared.scores(hybrid(dense, keyword, p)), p) for p in _fusion_grid()]
    hybrid_score, fusion_params = _best(fusion_scored)
    return TunedParams(
        dataset=prepared.dataset.name,
        corpus_hash=prepared.dataset.corpus_hash,
        chosen_on=TUNE_SPLIT,
        train_queries=len(prepared.dataset.qrels),
        params=MethodParams(bm25=bm25_params, fusion=fusion_params),
        train_scores={
            "bm25": bm25_score,
            "dense": prepared.scores(dense),
            "hybrid": hybrid_score,
            "hybrid_rrf60_defaults": prepared.scores(
                hybrid(dense, runs[BM25Params().model_dump_json()], FusionParams())
            ),
        },
        tried={"bm25": len(bm25_scored), "fusion": len(fusion_scored)},
        created_at=datetime.now(UTC),
    )


def save_params(tuned: TunedParams, path: Path = DEFAULT_PARAMS_FILE) -> Path:
    """Write the params file (pretty JSON, stable key order)."""
    path.write_text(json.dumps(tuned.model_dump(mode="json"), indent=2) + "\n", encoding="utf-8")
    return path


def load_params(path: Path = DEFAULT_PARAMS_FILE) -> TunedParams | None:
    """The recorded parameters, or None when the file does not exist."""
    if not path.is_file():
        return None
    return TunedParams.model_validate_json(path.read_text(encoding="utf-8"))
