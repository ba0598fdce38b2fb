"""Which of an asset's records a history question is about, decided by the embedding model.

The old rule kept a record only when it contained every content word of the question, so a
conversational word ("we keep having trouble with ...") or a synonym (``temperature`` for
``temp``) counted 0. Here each record of the asset (failure mode, symptom, action) gets

    score = cosine(question, record) + word coverage

where *word coverage* is the share of the question's **record words** the record contains, and
record words are the question's content words that occur in at least one of the asset's
records (other words are conversation; the model still weighs them through the cosine). The
records kept are those within ``margin`` of the best score and of the best record's class
(corrective or planned), so "seal leak jobs" does not count the PM seal-pot check that mentions
a leak. ``margin`` was chosen on the development set assets1 (README); blind sets measure it.

Record vectors are cached by text: PM rows repeat word for word, and an asset is asked about
again and again.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence

import numpy as np

from core.assets import LinkedRecord
from core.models import DocType
from core.ports import Embedder
from services.asset_questions import HistoryQuery, matches_topic, stems_of
from services.assets import is_corrective

DEFAULT_MARGIN = 0.35
_CACHE_LIMIT = 50_000


def record_text(record: LinkedRecord) -> str:
    """What a record says, as the model and the word match read it."""
    if record.doc_type == DocType.WORK_ORDER.value:
        return f"{record.failure_mode} {record.summary} {record.action}".strip()
    return f"{record.title} {record.summary} {record.action}".strip()


class RecordMatcher:
    """Scores an asset's records against a history question and keeps the ones it is about."""

    def __init__(self, embedder: Embedder, margin: float = DEFAULT_MARGIN) -> None:
        self._embedder = embedder
        self.margin = margin
        self._vectors: dict[str, np.ndarray] = {}
        self._lock = threading.Lock()

    def _embed(self, texts: Sequence[str]) -> np.ndarray:
        with self._lock:
            missing = sorted({t for t in texts if t not in self._vectors})
        if missing:
            vectors = self._embedder.embed_documents(missing)
            with self._lock:
                if len(self._vectors) + len(missing) > _CACHE_LIMIT:
                    self._vectors.clear()
                self._vectors.update(zip(missing, vectors, strict=True))
        with self._lock:
            return np.stack([self._vectors[t] for t in texts])

    def scores(
        self, question: str, query: HistoryQuery, records: list[LinkedRecord]
    ) -> list[float]:
        """Cosine plus word coverage of each record (same order as ``records``)."""
        if not records:
            return []
        texts = [record_text(r) for r in records]
        dense = self._embed(texts) @ self._embedder.embed_query(question)
        words = record_words(query, texts)
        if not words:
            return [float(d) for d in dense]
        stems = [stems_of(t) for t in texts]
        cover = [sum(matches_topic(s, [w]) for w in words) / len(words) for s in stems]
        return [float(d) + c for d, c in zip(dense, cover, strict=True)]

    def select(
        self,
        question: str,
        query: HistoryQuery,
        candidates: list[LinkedRecord],
        vocabulary: list[LinkedRecord],
    ) -> list[LinkedRecord]:
        """The candidates the question is about; all of them when it names no record words.

        ``vocabulary`` is every record of the asset (any period): it decides which question
        words are record words, so a period with no leak still counts 0 leaks.
        """
        if not candidates or not record_words(query, [record_text(r) for r in vocabulary]):
            return candidates
        scored = sorted(
            zip(self.scores(question, query, candidates), candidates, strict=True),
            key=lambda pair: -pair[0],
        )
        best_score, best = scored[0]
        if _cover(query, best, vocabulary) == 0:
            return []  # the period holds no record with any of the question's record words
        return [r for s, r in scored if s >= best_score - self.margin and _same_class(r, best)]


def record_words(query: HistoryQuery, texts: Sequence[str]) -> list[str]:
    """The question's topic stems that occur in at least one of ``texts``."""
    vocabulary = set().union(*(stems_of(t) for t in texts)) if texts else set()
    return [w for w in query.topic if matches_topic(vocabulary, [w])]


def _cover(query: HistoryQuery, record: LinkedRecord, vocabulary: list[LinkedRecord]) -> int:
    words = record_words(query, [record_text(r) for r in vocabulary])
    return sum(matches_topic(stems_of(record_text(record)), [w]) for w in words)


def _same_class(record: LinkedRecord, best: LinkedRecord) -> bool:
    """Work orders of the best record's kind (corrective or planned); incidents always."""
    if DocType.WORK_ORDER.value not in (record.doc_type, best.doc_type):
        return True
    if record.doc_type != best.doc_type:
        return record.doc_type == DocType.INCIDENT.value or is_corrective(record)
    return is_corrective(record) == is_corrective(best)
