"""A deterministic synthetic plant corpus for benchmarks: chunks, vectors, registry, questions.

Documents belong to 10 sites or to the company (``all``, 10%), have the default audiences of
their doc type, 20 chunks per version, and 10% of them carry an older superseded revision.
Vectors are clustered around 300 topic centres; texts mix topic words, general words, asset
tags and (in 20% of chunks) numbered steps, so BM25 and dense search both have work to do.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np

from core.db.engine import Database
from core.db.tables import DocumentRow
from core.models import Chunk, DocType, DocumentMeta, DocumentStatus, Role
from core.policy import DEFAULT_AUDIENCE
from core.ports import VectorIndex
from core.registry import bump_generation, document_row, ensure_site

DIM = 384
TOPICS = 300
CHUNKS_PER_VERSION = 20
SITES = [f"site{i:02d}" for i in range(10)]
TYPES = [DocType.SOP, DocType.MANUAL, DocType.INCIDENT, DocType.WORK_ORDER]
TYPE_WEIGHTS = [0.4, 0.25, 0.15, 0.2]
_SYLLABLES = [
    "ka",
    "lo",
    "mi",
    "nu",
    "pe",
    "ra",
    "si",
    "to",
    "va",
    "ze",
    "bri",
    "cor",
    "dum",
    "fal",
    "gen",
    "hok",
    "jus",
    "lem",
    "mor",
]


@dataclass(frozen=True)
class Question:
    """One benchmark question: who asks, where, the text and its precomputed vector."""

    text: str
    vector: np.ndarray
    site: str
    role: Role


class SyntheticCorpus:
    """Generates the same corpus for the same (n_chunks, seed)."""

    def __init__(self, n_chunks: int, seed: int = 7) -> None:
        self.n_chunks = n_chunks
        self.seed = seed
        rng = np.random.default_rng(seed)
        self.words = sorted({"".join(rng.choice(_SYLLABLES, size=3)) for _ in range(6000)})
        self.centres = _unit(rng.normal(size=(TOPICS, DIM)).astype(np.float32))
        tags = ["P", "CONV", "IMM", "EXT", "FILLER", "HX"]
        self.topic_words = [
            list(rng.choice(self.words, size=15, replace=False)) for _ in range(TOPICS)
        ]
        self.topic_tags = [
            [f"{rng.choice(tags)}-{rng.integers(1, 400)}" for _ in range(2)] for _ in range(TOPICS)
        ]

    def _text(self, rng: np.random.Generator, topic: int, title: str) -> str:
        words = list(rng.choice(self.topic_words[topic], size=22)) + list(
            rng.choice(self.words, size=10)
        )
        words.insert(int(rng.integers(0, len(words))), str(rng.choice(self.topic_tags[topic])))
        body = " ".join(words)
        if rng.random() < 0.2:
            start = int(rng.integers(1, 6))
            steps = [
                f"{start + i}. {' '.join(rng.choice(self.topic_words[topic], size=5))}"
                for i in range(3)
            ]
            body = body + "\n" + "\n".join(steps)
        return f"{title} — Procedure\n{body}"

    def versions(self) -> Iterator[tuple[DocumentMeta, DocumentStatus, list[Chunk], np.ndarray]]:
        """Every document version with its status, chunks and vectors, until n_chunks."""
        rng = np.random.default_rng(self.seed + 1)
        written, n = 0, 0
        while written < self.n_chunks:
            site = "all" if rng.random() < 0.1 else str(rng.choice(SITES))
            doc_type = TYPES[int(rng.choice(len(TYPES), p=TYPE_WEIGHTS))]
            topic = int(rng.integers(0, TOPICS))
            revisions = ["1", "2"] if rng.random() < 0.1 else ["1"]
            for i, revision in enumerate(revisions):
                status = (
                    DocumentStatus.CURRENT if i == len(revisions) - 1 else DocumentStatus.SUPERSEDED
                )
                size = min(CHUNKS_PER_VERSION, self.n_chunks - written)
                meta = DocumentMeta(
                    doc_id=f"DOC-{n:06d}",
                    title=f"{doc_type.value} {n} {self.topic_tags[topic][0]}",
                    site=site,
                    doc_type=doc_type,
                    revision=revision,
                    audience=DEFAULT_AUDIENCE[doc_type],
                    source_path=f"/synthetic/{n}.md",
                    content_hash=f"{n:08d}{revision:0>8}",
                )
                texts = [self._text(rng, topic, meta.title) for _ in range(size)]
                noise = rng.normal(size=(size, DIM)).astype(np.float32) * 0.06
                vectors = _unit(self.centres[topic] + noise)
                yield meta, status, _chunks(meta, texts), vectors
                written += size
                if written >= self.n_chunks:
                    return
            n += 1

    def write(self, db: Database, index: VectorIndex, progress: Callable[[str], None]) -> None:
        """Fill an empty registry and index (bulk: one transaction, big index batches)."""
        rows: list[DocumentRow] = []
        batch: dict[bool, tuple[list[Chunk], list[np.ndarray]]] = {True: ([], []), False: ([], [])}
        for meta, status, chunks, vectors in self.versions():
            rows.append(document_row(meta, status, len(chunks)))
            current = status is DocumentStatus.CURRENT
            batch[current][0].extend(chunks)
            batch[current][1].append(vectors)
            if len(batch[current][0]) >= 5000:
                _flush(index, batch, current)
                progress(f"indexed {index.count()} chunks")
        for current in (True, False):
            _flush(index, batch, current)
        with db.session() as session:
            for site in [*SITES, "all"]:
                ensure_site(session, site)
            session.add_all(rows)
            session.flush()
            bump_generation(session)

    def questions(self, n: int) -> list[Question]:
        """Random users asking about random topics (half name an asset tag)."""
        rng = np.random.default_rng(self.seed + 2)
        out = []
        for i in range(n):
            topic = int(rng.integers(0, TOPICS))
            words = list(rng.choice(self.topic_words[topic], size=int(rng.integers(3, 6))))
            if rng.random() < 0.5:
                words.append(str(rng.choice(self.topic_tags[topic])))
            vector = _unit(self.centres[topic] + rng.normal(size=DIM).astype(np.float32) * 0.05)
            role = list(Role)[int(rng.integers(0, len(Role)))]
            out.append(Question(f"{' '.join(words)} ?{i}", vector, str(rng.choice(SITES)), role))
        return out


def _unit(v: np.ndarray) -> np.ndarray:
    return (v / np.linalg.norm(v, axis=-1, keepdims=True)).astype(np.float32)


def _chunks(meta: DocumentMeta, texts: list[str]) -> list[Chunk]:
    return [
        Chunk(
            chunk_id=f"{meta.version_key}#{i}",
            version_key=meta.version_key,
            doc_id=meta.doc_id,
            ordinal=i,
            text=text,
            title=meta.title,
            site=meta.site,
            doc_type=meta.doc_type,
            revision=meta.revision,
            audience=meta.audience,
            section_path=("Procedure",),
            page=1 + i // 3,
        )
        for i, text in enumerate(texts)
    ]


def _flush(
    index: VectorIndex, batch: dict[bool, tuple[list[Chunk], list[np.ndarray]]], current: bool
) -> None:
    chunks, vectors = batch[current]
    if chunks:
        index.add(chunks, np.concatenate(vectors), current=current)
    batch[current] = ([], [])
