"""Reading a BEIR dataset folder: corpus, queries and relevance judgments (qrels).

A BEIR folder holds ``corpus.jsonl`` (``_id``, ``title``, ``text``), ``queries.jsonl``
(``_id``, ``text``) and ``qrels/<split>.tsv`` (``query-id  corpus-id  score`` with a header).
The data set is read where it lies (e.g. ``../shared/datasets/scifact``) and never copied.
"""

from __future__ import annotations

import csv
import hashlib
import json
from pathlib import Path

from pydantic import BaseModel, Field

from core.errors import NotFoundError

_HASH_CHUNK = 1 << 20


class BeirDoc(BaseModel):
    """One corpus document."""

    doc_id: str
    title: str = ""
    text: str = ""

    @property
    def joined(self) -> str:
        """Title and text as one passage (the MTEB/BEIR convention: ``title + " " + text``)."""
        return f"{self.title} {self.text}".strip()


class BeirDataset(BaseModel):
    """A BEIR corpus with its queries and the judgments of one split."""

    name: str
    root: Path
    docs: list[BeirDoc]
    queries: dict[str, str]
    qrels: dict[str, dict[str, int]] = Field(description="query id -> {doc id: grade}")
    split: str
    corpus_hash: str = Field(description="sha256 (16 hex) of corpus.jsonl, keys caches")

    @property
    def split_queries(self) -> dict[str, str]:
        """The queries judged in this split, in query-id order of the qrels file."""
        return {qid: self.queries[qid] for qid in self.qrels if qid in self.queries}


def file_hash(path: Path) -> str:
    """First 16 hex digits of the file's sha256 (identifies a corpus version)."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(_HASH_CHUNK):
            digest.update(block)
    return digest.hexdigest()[:16]


def read_corpus(path: Path) -> list[BeirDoc]:
    """Documents in file order (the row order of cached embeddings)."""
    docs = []
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                row = json.loads(line)
                docs.append(
                    BeirDoc(doc_id=str(row["_id"]), title=row.get("title") or "", text=row["text"])
                )
    return docs


def read_queries(path: Path) -> dict[str, str]:
    """Query id -> text."""
    queries: dict[str, str] = {}
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                row = json.loads(line)
                queries[str(row["_id"])] = row["text"]
    return queries


def read_qrels(path: Path) -> dict[str, dict[str, int]]:
    """Judgments with a positive grade; the header line is skipped."""
    qrels: dict[str, dict[str, int]] = {}
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.reader(handle, delimiter="\t"):
            if len(row) < 3 or row[0] == "query-id":
                continue
            grade = int(row[2])
            if grade > 0:
                qrels.setdefault(row[0], {})[row[1]] = grade
    return qrels


def load_dataset(root: Path, split: str = "test") -> BeirDataset:
    """Read a BEIR folder; NotFoundError names the first missing file."""
    corpus, queries, qrels = root / "corpus.jsonl", root / "queries.jsonl", root / "qrels"
    for needed in (corpus, queries, qrels / f"{split}.tsv"):
        if not needed.is_file():
            raise NotFoundError(f"BEIR folder {root}: missing {needed.relative_to(root)}")
    return BeirDataset(
        name=root.resolve().name,
        root=root,
        docs=read_corpus(corpus),
        queries=read_queries(queries),
        qrels=read_qrels(qrels / f"{split}.tsv"),
        split=split,
        corpus_hash=file_hash(corpus),
    )
