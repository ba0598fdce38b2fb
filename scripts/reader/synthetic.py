"""Groups from synthetic questions: questions a local instruct LLM wrote for one chunk each.

``scripts/reader/data/synthetic_questions.jsonl`` holds ``{"chunk_id", "question", "style"}``
lines written by ``scripts/reader/generate_questions.py`` (Qwen2.5-Coder-0.5B-Instruct, greedy,
from the chunk text only; no evaluation question was shown to it). The chunk is the positive;
negatives come from the same sampler as the structure groups (other sections of the document,
the same heading elsewhere, BM25 look-alikes). The file is committed, so training does not need
the LLM; regenerate it only when the corpus changes.
"""

from __future__ import annotations

import json
import random
from collections.abc import Sequence
from pathlib import Path

from core.models import Chunk
from scripts.reader.groups import Group
from scripts.reader.structure import NegativeSampler

DEFAULT_QUESTIONS = Path(__file__).resolve().parent / "data" / "synthetic_questions.jsonl"


def load_questions(path: Path) -> list[tuple[str, str]]:
    """(chunk_id, question) pairs of a questions file."""
    pairs = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            pairs.append((str(row["chunk_id"]), str(row["question"])))
    return pairs


def synthetic_groups(chunks: Sequence[Chunk], path: Path, negatives: int, seed: int) -> list[Group]:
    """One group per question whose chunk is still in the index (others are skipped)."""
    rng = random.Random(seed)
    by_id = {c.chunk_id: c for c in chunks}
    sampler = NegativeSampler(chunks)
    groups: list[Group] = []
    for chunk_id, question in load_questions(path):
        chunk = by_id.get(chunk_id)
        if chunk is None:
            continue
        negs = sampler.sample(chunk, question, negatives, rng)
        if len(negs) < negatives:
            continue
        passages = [chunk.text, *[c.text for c in negs]]
        groups.append(Group(question, passages, [1] + [0] * len(negs), "synthetic", key=chunk_id))
    return groups
