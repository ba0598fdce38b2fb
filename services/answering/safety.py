"""Safety notices that must travel with any answer citing a chunk or its section.

Ingestion stores the verbatim notices of each chunk in ``Chunk.safety_notices``. As a second
line of defence (an index built before notices were detected), a chunk with none stored is
scanned here with ingestion's rule, so a WARNING line is never dropped from an answer.
Notices of *sibling* chunks (same document version and section) are included too: a warning
at the top of a procedure applies to every step, even when only the later steps were retrieved.
From siblings only the section-wide kind is taken (see :func:`collect_notices`).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from core.answers import SearchHit
from core.models import BlockKind, Chunk
from core.ports import VectorIndex
from ingestion.safety import detect_safety_notices
from services.answering.evidence import chunk_body

_NOTICE = re.compile(
    r"^\W*(?:WARNING|CAUTION|DANGER)\s*[:!]|\block[\s-]?out\b|\btag[\s-]?out\b|\bLOTO\b|\bPPE\b"
    r"|personal protective equipment|hazardous energy|confined space",
    re.I,
)

SectionLookup = Callable[[Chunk], Sequence[Chunk]]
"""Returns the other chunks of the same document version and section, in document order."""


def detect_notices(chunk: Chunk) -> list[str]:
    """Verbatim notices of a chunk by ingestion's own rule (fallback detection), so a chunk
    stored without notices gets exactly what ingestion would have stored."""
    return list(detect_safety_notices(chunk_body(chunk)))


def notices_of(chunk: Chunk) -> list[str]:
    """The chunk's stored notices, or the detected ones when ingestion stored none."""
    return list(chunk.safety_notices) if chunk.safety_notices else detect_notices(chunk)


class IndexSectionLookup:
    """Finds section siblings through the vector index (same version_key, same section path).

    Only the same document version is read, so nothing outside the asker's scope can come
    back: a version's chunks share one site and audience. Results are cached per version.
    """

    def __init__(self, index: VectorIndex) -> None:
        self._index = index
        self._cache: dict[str, list[Chunk]] = {}
        self._lock = threading.Lock()

    def __call__(self, chunk: Chunk) -> Sequence[Chunk]:
        if not chunk.section_path:
            return []
        with self._lock:
            cached = self._cache.get(chunk.version_key)
        if cached is None:
            cached = self._index.chunks_of_version(chunk.version_key)
            with self._lock:
                self._cache[chunk.version_key] = cached
                while len(self._cache) > 256:
                    self._cache.pop(next(iter(self._cache)))
        return [
            c
            for c in cached
            if c.section_path == chunk.section_path and c.chunk_id != chunk.chunk_id
        ]


@dataclass(frozen=True)
class Notice:
    """One notice and the chunk it was found in (so it can be cited)."""

    text: str
    chunk: Chunk


def _norm(text: str) -> str:
    return " ".join(text.split()).lower()


def collect_notices(
    cited: Sequence[Chunk], hits: Sequence[SearchHit], lookup: SectionLookup | None
) -> list[Notice]:
    """Notices of each cited chunk and its section siblings, in document order; verbatim and
    deduplicated. Siblings come from the retrieved hits and, when given, from ``lookup``.

    A cited chunk contributes all its notices; a sibling only its section-wide ones (signal
    words, lockout/tagout, hazardous energy, PPE, confined space), not every hazard keyword
    ingestion flagged, so that the notices stay readable above the answer.
    """
    seen: set[str] = set()
    out: list[Notice] = []

    def take(chunk: Chunk, strong_only: bool) -> None:
        for text in notices_of(chunk):
            if strong_only and not _NOTICE.search(text):
                continue
            if _norm(text) not in seen:
                seen.add(_norm(text))
                out.append(Notice(text, chunk))

    for chunk in cited:
        group = {chunk.chunk_id: chunk}
        if chunk.section_path and chunk.kind is not BlockKind.RECORD:
            for hit in hits:
                same = hit.chunk.version_key == chunk.version_key
                if same and hit.chunk.section_path == chunk.section_path:
                    group[hit.chunk.chunk_id] = hit.chunk
            if lookup is not None:
                group.update({c.chunk_id: c for c in lookup(chunk)})
        for member in sorted(group.values(), key=lambda c: c.ordinal):
            take(member, strong_only=member.chunk_id != chunk.chunk_id)
    return out
