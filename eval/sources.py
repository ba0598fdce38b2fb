"""Search hits, citations and index chunks as :class:`eval.records.SourceRecord`.

A record carries what the leak and section checks need: site, audience, section path, page,
row, and ``current``, true only when the registry serves the chunk's version.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from core.answers import Citation, SearchHit
from core.registry import served_versions
from eval.records import SourceRecord
from services.wiring import Components


def _served(components: Components, doc_ids: Iterable[str]) -> dict[str, str]:
    with components.db.session() as session:
        return served_versions(session, doc_ids)


def hit_records(components: Components, hits: Sequence[SearchHit]) -> list[SourceRecord]:
    """Search hits as records; ``current`` means the registry serves the hit's version."""
    served = _served(components, {h.chunk.doc_id for h in hits})
    return [
        SourceRecord(
            chunk_id=h.chunk.chunk_id,
            doc_id=h.chunk.doc_id,
            doc_type=h.chunk.doc_type.value,
            site=h.chunk.site,
            audience=h.chunk.audience,
            current=served.get(h.chunk.doc_id) == h.chunk.version_key,
            section_path=h.chunk.section_path,
            page=h.chunk.page,
            row=h.chunk.row,
            text=h.chunk.text,
        )
        for h in hits
    ]


def citation_records(components: Components, citations: Sequence[Citation]) -> list[SourceRecord]:
    """Citations as records, their chunks read back from the index (a cited chunk the index
    no longer holds is recorded as not current, i.e. a leak)."""
    found = {s.chunk.chunk_id: s for s in components.index.get([c.chunk_id for c in citations])}
    served = _served(components, {c.doc_id for c in citations})
    records = []
    for c in citations:
        stored = found.get(c.chunk_id)
        chunk = stored.chunk if stored else None
        records.append(
            SourceRecord(
                chunk_id=c.chunk_id,
                doc_id=c.doc_id,
                doc_type=c.doc_type,
                site=c.site,
                audience=chunk.audience if chunk else frozenset(),
                current=bool(stored and stored.current)
                and chunk is not None
                and served.get(c.doc_id) == chunk.version_key,
                section_path=chunk.section_path if chunk else (),
                page=c.page,
                row=c.row,
                text=chunk.text if chunk else c.snippet,
            )
        )
    return records


def served_chunks(components: Components) -> list[SourceRecord]:
    """Every chunk of a served version (the pool ragas' reference contexts come from)."""
    chunks = [s.chunk for s in components.index.all_chunks() if s.current]
    served = _served(components, {c.doc_id for c in chunks})
    return [
        SourceRecord(
            chunk_id=c.chunk_id,
            doc_id=c.doc_id,
            doc_type=c.doc_type.value,
            site=c.site,
            audience=c.audience,
            current=True,
            section_path=c.section_path,
            page=c.page,
            row=c.row,
            text=c.text,
        )
        for c in chunks
        if served.get(c.doc_id) == c.version_key
    ]
