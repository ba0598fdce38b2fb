"""Claim/abstract groups from SciFact's TRAIN judgments only (``qrels/train.tsv``).

Positives are the judged evidence abstracts; negatives are BM25's best unjudged abstracts
(hard negatives: on topic, not evidence). Train queries are split by a stable hash: the
``train`` part trains the reader, the ``tune`` part is kept for choosing rerank parameters
(candidates, score mixing) without the bias of tuning on training queries.
"""

from __future__ import annotations

import random
from pathlib import Path

from eval.beir.data import load_dataset
from eval.beir.methods import BM25Params, KeywordCorpus
from eval.beir.rerank import is_tune_query
from scripts.reader.groups import Group


def scifact_groups(root: Path, negatives: int, limit: int, seed: int) -> list[Group]:
    """Up to ``limit`` groups (one per judged train query in the training part)."""
    rng = random.Random(seed)
    dataset = load_dataset(root, "train")
    texts = {d.doc_id: d.joined for d in dataset.docs}
    keyword = KeywordCorpus(dataset.docs)
    params = BM25Params(k1=1.2, b=0.4, title_repeat=2)
    groups: list[Group] = []
    qids = [q for q in dataset.split_queries if not is_tune_query(q)]
    for qid in rng.sample(qids, min(limit, len(qids))):
        judged = dataset.qrels[qid]
        positives = [d for d, grade in judged.items() if grade > 0 and d in texts]
        if not positives:
            continue
        query = dataset.queries[qid]
        ranked = keyword.search(query, params, 30)
        pool = [d for d, _ in ranked[:20] if d not in judged]
        if len(pool) < negatives:
            continue
        hard = rng.sample(pool, negatives)  # not always the top: unjudged top hits may be relevant
        passages = [texts[rng.choice(positives)], *[texts[d] for d in hard]]
        groups.append(Group(query, passages, [1] + [0] * len(hard), "scifact", key=qid))
    return groups
