"""Reranking the hybrid ranking with a reader: candidates and score mixing, chosen on train.

A reranked head is ordered by ``reader + mix * fused'`` where ``fused'`` is the hybrid score
min-max scaled to [0, 1] inside the head (``mix`` 0: the reader alone); hits below the head keep
their hybrid order. ``top`` and ``mix`` are chosen on SciFact's TRAIN queries, and only on the
share of them the shipped reader did not train on (:func:`is_tune_query`, a stable hash split
shared with ``scripts/reader/scifact.py``), so the choice is not biased by training queries.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path

from pydantic import BaseModel, Field

from core.ports import Reranker
from eval.beir.methods import Ranking
from eval.beir.prepare import Prepared

TUNE_SHARE = 30
"""Percent of SciFact train queries kept out of reader training, for choosing rerank params."""
DEFAULT_RERANK_PARAMS = Path(__file__).resolve().parents[1] / "beir_rerank_params.json"
TOPS = (10, 20)
MIXES = (0.0, 0.1, 0.2, 0.3, 0.5, 0.8)


def is_tune_query(qid: str) -> bool:
    """True for the SciFact train queries the reader never trained on."""
    digest = hashlib.sha256(f"scifact:{qid}".encode()).hexdigest()
    return int(digest[:8], 16) % 100 < TUNE_SHARE


class RerankParams(BaseModel):
    """How many hybrid hits the reader rereads, and the weight of the hybrid score."""

    top: int = Field(default=20, ge=1)
    mix: float = Field(default=0.0, ge=0.0)


class TunedRerank(BaseModel):
    """Rerank parameters chosen on the held-out train queries, with the grid's scores."""

    params: RerankParams
    chosen_on: str
    queries: int
    hybrid_ndcg10: float
    best_ndcg10: float
    grid: dict[str, float]
    created_at: str


def read_heads(
    prepared: Prepared, rankings: dict[str, Ranking], reranker: Reranker, depth: int
) -> dict[str, list[float]]:
    """Reader scores of the first ``depth`` hits of every ranking (scored once, reused)."""
    texts = {d.doc_id: d.joined for d in prepared.dataset.docs}
    return {
        qid: reranker.score(prepared.dataset.queries[qid], [texts[d] for d, _ in ranking[:depth]])
        for qid, ranking in rankings.items()
    }


def mixed(ranking: Ranking, scores: list[float], params: RerankParams) -> Ranking:
    """The ranking with its head reordered by reader + mix * scaled hybrid score."""
    head = ranking[: min(params.top, len(scores))]
    if not head:
        return ranking
    fused = [s for _, s in head]
    low, span = min(fused), (max(fused) - min(fused)) or 1.0
    value = [scores[i] + params.mix * (fused[i] - low) / span for i in range(len(head))]
    order = sorted(range(len(head)), key=lambda i: (-value[i], i))
    return [(head[i][0], float(value[i])) for i in order] + ranking[len(head) :]


def apply(
    rankings: dict[str, Ranking], heads: dict[str, list[float]], params: RerankParams
) -> dict[str, Ranking]:
    """Every query's ranking reranked with ``params``."""
    return {qid: mixed(r, heads.get(qid, []), params) for qid, r in rankings.items()}


def tune_split(prepared: Prepared) -> Prepared:
    """The prepared train split restricted to the held-out (tune) queries."""
    dataset = prepared.dataset
    qrels = {q: j for q, j in dataset.qrels.items() if is_tune_query(q)}
    return dataclasses.replace(prepared, dataset=dataset.model_copy(update={"qrels": qrels}))


def tune_rerank(prepared: Prepared, fused: dict[str, Ranking], reranker: Reranker) -> TunedRerank:
    """Grid over ``TOPS`` x ``MIXES`` on ``prepared`` (already the tune queries), by nDCG@10."""
    heads = read_heads(prepared, fused, reranker, max(TOPS))
    grid = {}
    for top in TOPS:
        for mix in MIXES:
            params = RerankParams(top=top, mix=mix)
            grid[f"top={top},mix={mix}"] = prepared.scores(apply(fused, heads, params))["ndcg@10"]
    best = max(grid, key=lambda key: (grid[key], key))
    top_s, mix_s = (part.split("=")[1] for part in best.split(","))
    return TunedRerank(
        params=RerankParams(top=int(top_s), mix=float(mix_s)),
        chosen_on=f"{prepared.dataset.split} (held-out {TUNE_SHARE}% not used in reader training)",
        queries=len(prepared.dataset.qrels),
        hybrid_ndcg10=prepared.scores(fused)["ndcg@10"],
        best_ndcg10=grid[best],
        grid=grid,
        created_at=datetime.now(UTC).isoformat(),
    )


def save_rerank(tuned: TunedRerank, path: Path = DEFAULT_RERANK_PARAMS) -> Path:
    """Write the chosen parameters (JSON)."""
    path.write_text(json.dumps(tuned.model_dump(), indent=2) + "\n")
    return path


def load_rerank(path: Path = DEFAULT_RERANK_PARAMS) -> RerankParams | None:
    """The recorded parameters, or None when the file is absent."""
    if not path.is_file():
        return None
    return TunedRerank.model_validate_json(path.read_text()).params
