"""Question/passage groups made from the corpus's own structure (no golden question is used).

Queries are written by templates from what a chunk carries: its section heading with the
document's subject and asset tags ("PPE for clearing a jam on FILLER-2"), a table cell's column
header with the row's subject ("Quantity of Star wheel gearboxes on FILLER-2"), a work order's
symptom text, or a few content words of one of its sentences. Negatives teach picking the right
section: other sections of the SAME document, the same heading in another document (often
another site's), and BM25 look-alikes. "Unanswerable" groups swap the asset tag for one the
passages never mention, so an on-topic passage about the wrong machine scores low.
"""

from __future__ import annotations

import random
import re
from collections import defaultdict
from collections.abc import Sequence

from core.models import Chunk
from eval.beir.data import BeirDoc
from eval.beir.methods import BM25Params, KeywordCorpus
from scripts.reader.groups import Group

STOP = set(
    [
        "a",
        "an",
        "the",
        "of",
        "to",
        "and",
        "or",
        "for",
        "in",
        "on",
        "at",
        "by",
        "with",
        "from",
        "is",
        "are",
        "be",
        "as",
        "it",
        "this",
        "that",
        "these",
        "those",
        "must",
        "should",
        "shall",
        "may",
        "can",
        "not",
        "no",
        "do",
        "does",
        "any",
        "each",
        "all",
        "per",
        "into",
        "than",
        "then",
        "when",
        "where",
        "which",
        "who",
        "what",
        "how",
        "if",
        "use",
        "used",
        "using",
        "only",
        "also",
        "its",
        "their",
        "there",
    ]
)
HEADING_TEMPLATES = (
    "{leaf} for {subject}",
    "What does the procedure say about {leaf} on {asset}?",
    "{leaf} {asset}",
    "{asset} {leaf}?",
    "What is the {leaf} for {subject}?",
    "Where do I find the {leaf} for {asset}?",
    "I'm on {asset}, what about {leaf}?",
    "{subject}: {leaf}",
    "what do I need to know about {leaf} for the {subject}",
)
TABLE_TEMPLATES = (
    "{column} of {row} on {asset}",
    "What {column} for {row}, {asset}?",
    "{asset} {row} {column}",
)
RECORD_TEMPLATES = (
    "{symptom}",
    "{symptom} - what was done?",
    "{symptom} fix?",
    "how was {symptom} fixed",
)


def body(chunk: Chunk) -> str:
    """The chunk text without the ``title — section`` header line the chunker prepends."""
    first, _, rest = chunk.text.partition("\n")
    return rest if rest and (" — " in first or first.strip() == chunk.title) else chunk.text


def subject(chunk: Chunk) -> str:
    """The document title without its doc id prefix."""
    return chunk.title.replace(chunk.doc_id, "").strip(" -—:")


def leaf(chunk: Chunk) -> str:
    """The innermost heading that is not just the document title ('' when there is none)."""
    parts = [p for p in chunk.section_path if chunk.doc_id not in p and p != chunk.title]
    if not parts:
        return ""
    name = re.sub(r"^\d+(\.\d+)*\.?\s+", "", parts[-1])
    return name.capitalize() if name.isupper() else name


def asset_of(chunk: Chunk, rng: random.Random) -> str:
    """An asset tag the chunk itself names (else one of its document's), or ''."""
    named = [a for a in chunk.assets if a in chunk.text]
    pool = named or list(chunk.assets)
    return rng.choice(pool) if pool else ""


def _fill(template: str, **values: str) -> str:
    text = template.format(**values)
    return re.sub(r"\s+", " ", text.replace(" on ?", "?").replace(" on ,", ",")).strip(" ,")


def heading_query(chunk: Chunk, rng: random.Random) -> str | None:
    """A question from the section heading, subject and asset; None without a heading."""
    name = leaf(chunk)
    if not name or chunk.kind.value == "record":
        return None
    return _fill(
        rng.choice(HEADING_TEMPLATES),
        leaf=name,
        subject=subject(chunk),
        asset=asset_of(chunk, rng),
    )


def table_query(chunk: Chunk, rng: random.Random) -> str | None:
    """A question about one cell: column header of a row subject; None if not a table."""
    lines = [ln for ln in body(chunk).splitlines() if ln.count(" | ") >= 1]
    if chunk.kind.value != "table" or len(lines) < 2:
        return None
    header = [c.strip() for c in lines[0].split("|")]
    row = [c.strip() for c in rng.choice(lines[1:]).split("|")]
    if len(header) < 2 or len(row) < 2:
        return None
    column = rng.randrange(1, min(len(header), len(row)))
    row_subject = re.sub(r"^\d+\s+", "", row[0])
    return _fill(
        rng.choice(TABLE_TEMPLATES),
        column=header[column].lower(),
        row=row_subject,
        asset=asset_of(chunk, rng),
    )


def record_query(chunk: Chunk, rng: random.Random) -> str | None:
    """A work-order style line from a record's symptom field; None if not a record."""
    found = re.search(r"symptom: ([^|]+)", chunk.text)
    asset = re.search(r"asset: ([^|]+)", chunk.text)
    if chunk.kind.value != "record" or not found:
        return None
    tag = asset.group(1).strip() if asset else ""
    symptom = found.group(1).strip()
    if tag and tag not in symptom and rng.random() < 0.7:
        symptom = f"{tag} {symptom}"
    return _fill(rng.choice(RECORD_TEMPLATES), symptom=symptom)


def content_query(chunk: Chunk, rng: random.Random) -> str | None:
    """A few content words of one body sentence, plus the asset: a terse keyword question."""
    sentences = [s for s in re.split(r"(?<=[.!?])\s+|\n", body(chunk)) if len(s.split()) >= 6]
    if not sentences or chunk.kind.value == "record":
        return None
    words = [w.strip(".,;:()") for w in rng.choice(sentences).split()]
    content = [w for w in words if w and w.lower() not in STOP and not w.isdigit()]
    if len(content) < 3:
        return None
    start = rng.randrange(0, max(1, len(content) - 4))
    picked = content[start : start + rng.randint(3, 5)]
    tag = asset_of(chunk, rng)
    return " ".join([*picked, tag] if tag and tag not in picked else picked) + "?"


QUERY_MAKERS = (heading_query, table_query, record_query, content_query, content_query)


class NegativeSampler:
    """Picks negatives for a chunk: same document, same heading elsewhere, BM25 look-alikes."""

    def __init__(self, chunks: Sequence[Chunk]) -> None:
        self.chunks = {c.chunk_id: c for c in chunks}
        self.by_doc: dict[str, list[Chunk]] = defaultdict(list)
        self.by_leaf: dict[str, list[Chunk]] = defaultdict(list)
        for c in chunks:
            self.by_doc[c.doc_id].append(c)
            if leaf(c):
                self.by_leaf[leaf(c).lower()].append(c)
        self.keyword = KeywordCorpus(
            [BeirDoc(doc_id=c.chunk_id, title="", text=c.text) for c in chunks]
        )

    def _differs(self, chunk: Chunk, other: Chunk) -> bool:
        """A negative must be another chunk that does not share the positive's section."""
        if other.chunk_id == chunk.chunk_id or other.text == chunk.text:
            return False
        return not (other.doc_id == chunk.doc_id and other.section_path == chunk.section_path)

    def sample(self, chunk: Chunk, query: str, n: int, rng: random.Random) -> list[Chunk]:
        """Up to n distinct negatives for ``query`` whose positive is ``chunk``."""
        same_doc = [c for c in self.by_doc[chunk.doc_id] if self._differs(chunk, c)]
        same_leaf = [
            c for c in self.by_leaf.get(leaf(chunk).lower(), []) if c.doc_id != chunk.doc_id
        ]
        ranked = self.keyword.search(query, BM25Params(), 12)
        bm25 = [self.chunks[cid] for cid, _ in ranked if self._differs(chunk, self.chunks[cid])]
        picked: dict[str, Chunk] = {}
        for pool, take in (
            (rng.sample(same_doc, len(same_doc)), 2),
            (rng.sample(same_leaf, len(same_leaf)), 1),
            (bm25, n),
        ):
            for c in pool:
                if take <= 0 or len(picked) >= n:
                    break
                if c.chunk_id not in picked:
                    picked[c.chunk_id] = c
                    take -= 1
        return list(picked.values())[:n]


def _swap_asset(
    query: str, passages: Sequence[str], assets: Sequence[str], rng: random.Random
) -> str | None:
    """The query with its asset tag replaced by one that no passage mentions, or None."""
    present = [a for a in assets if a in query]
    if not present:
        return None
    others = [a for a in assets if a not in present and not any(a in p for p in passages)]
    return query.replace(present[0], rng.choice(others)) if others else None


def structure_groups(
    chunks: Sequence[Chunk],
    negatives: int,
    unanswerable_share: float,
    seed: int,
    per_chunk: int = 2,
    missing_share: float = 0.0,
) -> list[Group]:
    """Up to ``per_chunk`` groups per chunk (query makers that apply), plus asset-swapped
    negatives."""
    rng = random.Random(seed)
    sampler = NegativeSampler(chunks)
    all_assets = sorted({a for c in chunks for a in c.assets})
    groups: list[Group] = []
    for chunk in sorted(chunks, key=lambda c: c.chunk_id):
        made = [q for maker in QUERY_MAKERS if (q := maker(chunk, rng))]
        for query in rng.sample(made, min(per_chunk, len(made))):
            negs = sampler.sample(chunk, query, negatives, rng)
            if len(negs) < negatives:
                continue
            passages = [chunk.text, *[c.text for c in negs]]
            groups.append(
                Group(query, passages, [1] + [0] * len(negs), "structure", key=chunk.chunk_id)
            )
            if rng.random() < missing_share and len(negs) > 1:
                # The same question with its answer taken out: on-topic look-alikes that do not
                # answer (the absolute score must fall when the answering passage is missing).
                extra = sampler.sample(chunk, query, negatives + 1, rng)
                others = [c.text for c in extra][: len(passages)]
                groups.append(
                    Group(query, others, [0] * len(others), "unanswerable", key=chunk.chunk_id)
                )
            swapped = _swap_asset(query, passages, all_assets, rng)
            if swapped and rng.random() < unanswerable_share:
                groups.append(
                    Group(
                        swapped, passages, [0] * len(passages), "unanswerable", key=chunk.chunk_id
                    )
                )
    return groups
