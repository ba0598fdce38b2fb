"""Question/unit groups: the reader learns to tell the one line that answers from its neighbours.

The answer path reads quotable units (a sentence, a whole step, a table row under its header
row), each under its chunk's header line (:func:`core.chunk_text.reader_passage`). Training
pairs have the same shape. ``scripts/reader/data/unit_questions.jsonl`` holds one question per
unit, written by a local instruct LLM that saw the unit and its section only
(``scripts/reader/generate_unit_questions.py``; no evaluation question was ever shown to it).

For each question:

* an **answerable** group: the unit first, then hard negatives: other units of the same chunk
  and section (same topic, another value), units of the same heading in other documents, and
  BM25 look-alike units from anywhere;
* with ``missing_share``: a **missing** group, the look-alikes without any unit of the positive's
  document (what a permission probe looks like from inside the asker's scope: on-topic passages
  that do not answer), all labelled 0;
* with ``perturb_share``: a **perturbed** group, the question with one specific it shares with
  the unit (an asset tag, a number, a product or material name) swapped for one that none of
  the group's passages contains ("38 mm closures" asked of the 28 mm row), all labelled 0.
"""

from __future__ import annotations

import dataclasses
import json
import random
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from core.chunk_text import reader_passage
from core.models import Chunk
from eval.beir.data import BeirDoc
from eval.beir.methods import BM25Params, KeywordCorpus
from scripts.reader.groups import Group
from scripts.reader.perturb import perturb, vocabulary_of
from scripts.reader.preambles import with_opening
from scripts.reader.structure import asset_of, subject
from scripts.reader.unit_prompts import copies_an_example
from services.answering.evidence import quotable_units
from services.answering.units import Unit

DEFAULT_UNIT_QUESTIONS = Path(__file__).resolve().parent / "data" / "unit_questions.jsonl"

TABLE_TEMPLATES = (
    "{column} of {row} on {asset}",
    "What {column} for {row}?",
    "{asset} {row} {column}?",
    "what's the {column} for {row} on the {asset}",
)


@dataclass(frozen=True)
class UnitRef:
    """One quotable unit of one chunk, as the reader reads it."""

    chunk: Chunk
    unit: Unit

    @property
    def key(self) -> str:
        """``chunk_id:position``, the unit's id in the questions file."""
        return f"{self.chunk.chunk_id}:{self.unit.position}"

    @property
    def passage(self) -> str:
        """The unit under its chunk's header line (its table header row first, if any)."""
        u = self.unit
        body = f"{u.header}\n{u.text}" if u.header else u.text
        return reader_passage(self.chunk.title, self.chunk.section_path, body)


def corpus_units(chunks: Sequence[Chunk]) -> list[UnitRef]:
    """Every quotable unit of the chunks, in chunk order."""
    return [
        UnitRef(c, u) for c in sorted(chunks, key=lambda c: c.chunk_id) for u in quotable_units(c)
    ]


def export_units(chunks: Sequence[Chunk], path: Path) -> int:
    """Every quotable unit as JSONL (the input of ``generate_unit_questions.py``); the count."""
    units = corpus_units(chunks)
    with path.open("w", encoding="utf-8") as out:
        for ref in units:
            c, u = ref.chunk, ref.unit
            row = {
                "chunk_id": c.chunk_id,
                "doc_id": c.doc_id,
                "doc_type": c.doc_type.value,
                "site": c.site,
                "title": c.title,
                "section_path": list(c.section_path),
                "kind": u.kind.value,
                "pos": u.position,
                "header": u.header,
                "text": u.text,
            }
            out.write(json.dumps(row) + "\n")
    return len(units)


class UnitSampler:
    """Negatives for a unit: its neighbours, the same heading elsewhere, BM25 look-alikes."""

    def __init__(self, units: Sequence[UnitRef]) -> None:
        self.units = {u.key: u for u in units}
        self.by_chunk: dict[str, list[UnitRef]] = defaultdict(list)
        self.by_section: dict[tuple[str, tuple[str, ...]], list[UnitRef]] = defaultdict(list)
        self.by_leaf: dict[str, list[UnitRef]] = defaultdict(list)
        for u in units:
            self.by_chunk[u.chunk.chunk_id].append(u)
            self.by_section[(u.chunk.doc_id, tuple(u.chunk.section_path))].append(u)
            if u.chunk.section_path:
                self.by_leaf[u.chunk.section_path[-1].lower()].append(u)
        self.keyword = KeywordCorpus(
            [BeirDoc(doc_id=u.key, title="", text=u.passage) for u in units]
        )

    def _pool(self, ref: UnitRef, query: str) -> list[list[UnitRef]]:
        section = self.by_section[(ref.chunk.doc_id, tuple(ref.chunk.section_path))]
        leaf = ref.chunk.section_path[-1].lower() if ref.chunk.section_path else ""
        elsewhere = [u for u in self.by_leaf.get(leaf, []) if u.chunk.doc_id != ref.chunk.doc_id]
        ranked = [self.units[k] for k, _ in self.keyword.search(query, BM25Params(), 20)]
        return [self.by_chunk[ref.chunk.chunk_id] + section, elsewhere, ranked]

    def sample(
        self, ref: UnitRef, query: str, n: int, rng: random.Random, other_docs: bool = False
    ) -> list[UnitRef]:
        """Up to ``n`` distinct negatives (none with the positive's text; with ``other_docs``,
        none from the positive's document)."""
        near, elsewhere, ranked = self._pool(ref, query)
        plan = [(rng.sample(near, len(near)), 2), (rng.sample(elsewhere, len(elsewhere)), 1)]
        plan.append((ranked, n))
        if other_docs:
            plan = [(elsewhere, 1), (ranked, n)]
        picked: dict[str, UnitRef] = {}
        texts = {_norm(ref.unit.text)}
        for pool, take in plan:
            for u in pool:
                if take <= 0 or len(picked) >= n:
                    break
                if other_docs and u.chunk.doc_id == ref.chunk.doc_id:
                    continue
                if u.key in picked or u.key == ref.key or _norm(u.unit.text) in texts:
                    continue
                picked[u.key] = u
                texts.add(_norm(u.unit.text))
                take -= 1
        return list(picked.values())[:n]


def _norm(text: str) -> str:
    return " ".join(text.split()).casefold()


def load_unit_questions(
    path: Path, fields: Sequence[str] = ("question", "rewrite")
) -> list[tuple[str, str]]:
    """(unit key, question) pairs: each line's question and, per ``fields``, its rewrite and
    its long form (pass 3 of ``generate_unit_questions.py``; kept only when it still asks and
    did not copy a few-shot example)."""
    pairs = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        key = f"{row['chunk_id']}:{row['pos']}"
        for field in fields:
            text = str(row.get(field) or "").strip()
            if len(text.split()) >= 3 and (field != "long" or _usable_long(text, row)):
                pairs.append((key, text))
    return pairs


def _usable_long(text: str, row: dict[str, str]) -> bool:
    return "?" in text and not copies_an_example(text, row["question"])


def table_questions(units: Sequence[UnitRef], rng: random.Random) -> list[tuple[str, str]]:
    """(unit key, question) for table rows: a column of the row's subject under a header row
    ("drying temperature of PC on DRY-1"), or the key of a two-column key | value row ("owner
    of CAPA-2025-046"), so that the row, not its neighbours, answers."""
    out = []
    for ref in units:
        row = _cells(ref.unit.text)
        header = _cells(ref.unit.header or "")
        if len(row) < 2 or not all(row[:2]):
            continue
        asset = asset_of(ref.chunk, rng)
        if len(row) == 2:
            query = f"{row[0]} of {asset or subject(ref.chunk)}"
        elif len(header) == len(row) and not any(ch.isdigit() for ch in "".join(header)):
            j = rng.randrange(1, len(row))
            if not header[j] or not row[j]:
                continue
            template = rng.choice(TABLE_TEMPLATES)
            query = template.format(column=header[j].lower(), row=row[0], asset=asset)
        else:
            continue
        query = re.sub(r"\s+", " ", query.replace(" on ?", "?").replace(" on the ?", "?"))
        out.append((ref.key, query.strip(" ?") + "?"))
    return out


def _cells(line: str) -> list[str]:
    """The cells of a table line, Markdown (``| a | b |``) or ingested (``a | b``)."""
    return [c.strip() for c in line.strip().strip("|").split("|")]


def unit_groups(
    chunks: Sequence[Chunk],
    questions: Path,
    negatives: int,
    seed: int,
    missing_share: float,
    perturb_share: float,
    opening_share: float = 0.0,
    fields: Sequence[str] = ("question", "rewrite"),
) -> list[Group]:
    """Answerable, missing and perturbed groups for every question whose unit still exists;
    with ``opening_share``, each group's question independently gets a situational opening
    (``preambles.py``; its own random stream, so the groups themselves do not change)."""
    rng = random.Random(seed)
    orng = random.Random(seed + 1)
    units = corpus_units(chunks)
    sampler = UnitSampler(units)
    vocab = vocabulary_of([u.unit.text for u in units])
    groups: list[Group] = []
    pairs = load_unit_questions(questions, fields) + table_questions(units, rng)
    for key, query in pairs:
        ref = sampler.units.get(key)
        if ref is None:
            continue
        negs = sampler.sample(ref, query, negatives, rng)
        if len(negs) < negatives:
            continue
        passages = [ref.passage, *[u.passage for u in negs]]
        groups.append(Group(query, passages, [1] + [0] * len(negs), "unit", key=ref.chunk.chunk_id))
        if rng.random() < missing_share:
            others = [u.passage for u in sampler.sample(ref, query, negatives + 1, rng, True)]
            if len(others) >= 2:
                groups.append(
                    Group(query, others, [0] * len(others), "unit-missing", key=ref.chunk.chunk_id)
                )
        if rng.random() < perturb_share:
            changed = perturb(query, passages, vocab, rng)
            if changed:
                groups.append(
                    Group(
                        changed,
                        passages,
                        [0] * len(passages),
                        "unit-perturbed",
                        key=ref.chunk.chunk_id,
                    )
                )
    if opening_share > 0:
        groups = [_opened(g, sampler, opening_share, orng) for g in groups]
    return groups


def _opened(group: Group, sampler: UnitSampler, share: float, rng: random.Random) -> Group:
    if rng.random() >= share:
        return group
    chunk = next((u.chunk for u in sampler.by_chunk.get(group.key, [])), None)
    asset = asset_of(chunk, rng) if chunk is not None else ""
    return dataclasses.replace(group, query=with_opening(group.query, asset, rng))
