"""Property: hybrid search never returns a chunk outside the scope or of an unserved version.

Hypothesis generates, per example, a small corpus (sites incl. company-wide ``all``, doc types,
audiences, and registry/index states including the dangerous ones: a superseded revision whose
chunks are still flagged current, a staged version whose chunks are already in the index, a
removed document awaiting cleanup) plus users (role, site) and questions built from the same
small vocabulary, so out-of-scope chunks are often the best textual matches. Ground truth comes
from the generated spec, not from the code under test. 1,000 examples, a few ms each.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.db.engine import Database
from core.db.tables import DocumentRow
from core.models import AccessScope, Chunk, DocType, DocumentMeta, DocumentStatus, Role
from core.registry import document_row, ensure_site
from core.settings import RetrievalSettings
from retrieval.adapters.bm25_index import synced_index
from retrieval.embedders import HashingEmbedder
from retrieval.fusion import jaccard, normalise
from retrieval.hybrid import HybridRetriever
from retrieval.memory_index import InMemoryVectorIndex

pytestmark = pytest.mark.unit

SITES = ("north", "south", "east", "all")
USER_SITES = ("north", "south", "east")
WORDS = [
    "pump",
    "seal",
    "leak",
    "filler",
    "jam",
    "guard",
    "torque",
    "coupling",
    "CONV-3",
    "IMM-4",
    "P-301",
    "45",
    "Nm",
    "lockout",
    "caustic",
    "wash",
    "valve",
    "belt",
    "step",
    "stop",
    "line",
]
STATES = ("current", "superseded", "stale_flag", "staged", "staged_new", "removed")
EMB = HashingEmbedder(64)
_COUNTER = itertools.count()


@dataclass(frozen=True)
class DocSpec:
    site: str
    doc_type: DocType
    audience: frozenset[Role]
    state: str
    texts: tuple[str, ...]


texts_st = st.lists(st.sampled_from(WORDS), min_size=1, max_size=8).map(" ".join)
doc_st = st.builds(
    DocSpec,
    site=st.sampled_from(SITES),
    doc_type=st.sampled_from(list(DocType)),
    audience=st.frozensets(st.sampled_from(list(Role)), min_size=1),
    state=st.sampled_from(STATES),
    texts=st.lists(texts_st, min_size=1, max_size=3).map(tuple),
)
scope_st = st.builds(
    lambda role, sites: AccessScope(role=role, sites=sites),
    st.sampled_from(list(Role)),
    st.frozensets(st.sampled_from(USER_SITES), min_size=1),
)


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    database = Database(f"sqlite:///{tmp_path_factory.mktemp('prop') / 'registry.db'}")
    database.upgrade()
    with database.session() as s:
        for site in SITES:
            ensure_site(s, site)
    yield database
    database.dispose()


def _version(doc_id: str, spec: DocSpec, revision: str) -> tuple[DocumentMeta, list[Chunk]]:
    meta = DocumentMeta(
        doc_id=doc_id,
        title=f"{spec.doc_type.value} {doc_id}",
        site=spec.site,
        doc_type=spec.doc_type,
        revision=revision,
        audience=spec.audience,
        source_path=f"/{doc_id}",
        content_hash=f"{doc_id}-{revision}".ljust(16, "0"),
    )
    chunks = [
        Chunk(
            chunk_id=f"{meta.version_key}#{i}",
            version_key=meta.version_key,
            doc_id=doc_id,
            ordinal=i,
            text=f"{text} rev {revision}",
            title=meta.title,
            site=spec.site,
            doc_type=spec.doc_type,
            revision=revision,
            audience=spec.audience,
        )
        for i, text in enumerate(spec.texts)
    ]
    return meta, chunks


# state -> [(revision, registry status, flagged current in the index)]
_LAYOUT = {
    "current": [("1", DocumentStatus.CURRENT, True)],
    "superseded": [("1", DocumentStatus.SUPERSEDED, False), ("2", DocumentStatus.CURRENT, True)],
    "stale_flag": [("1", DocumentStatus.SUPERSEDED, True), ("2", DocumentStatus.CURRENT, True)],
    "staged": [("1", DocumentStatus.CURRENT, True), ("2", DocumentStatus.STAGED, True)],
    "staged_new": [("1", DocumentStatus.STAGED, True)],
    "removed": [("1", DocumentStatus.REMOVED, True)],
}


def build_world(db: Database, specs: list[DocSpec]) -> tuple[InMemoryVectorIndex, set[str]]:
    """Write the corpus; return the index and the version keys SQL serves (ground truth)."""
    index = InMemoryVectorIndex()
    served: set[str] = set()
    prefix = f"x{next(_COUNTER)}"
    rows: list[DocumentRow] = []
    for n, spec in enumerate(specs):
        doc_id = f"{prefix}-d{n}"
        for revision, status, flagged in _LAYOUT[spec.state]:
            meta, chunks = _version(doc_id, spec, revision)
            rows.append(document_row(meta, status, len(chunks)))
            index.add(chunks, EMB.embed_documents([c.text for c in chunks]), flagged)
            if status is DocumentStatus.CURRENT:
                served.add(meta.version_key)
    with db.session() as session:  # one transaction: registry rows as ingestion leaves them
        session.add_all(rows)
    return index, served


def retriever(
    db: Database, index: InMemoryVectorIndex, dense_snapshot: bool = True
) -> HybridRetriever:
    snapshot = synced_index(index, db, None, vectors=dense_snapshot)
    return HybridRetriever(
        index,
        EMB,
        snapshot,
        db,
        RetrievalSettings(candidates=10),
        locator=snapshot,
        dense_cache=snapshot if dense_snapshot else None,
    )


@settings(
    max_examples=1000,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    specs=st.lists(doc_st, min_size=1, max_size=8),
    queries=st.lists(st.tuples(scope_st, texts_st, st.integers(1, 10)), min_size=1, max_size=3),
    dense_snapshot=st.booleans(),
)
def test_no_hit_outside_scope_or_served_version(
    db: Database,
    specs: list[DocSpec],
    queries: list[tuple[AccessScope, str, int]],
    dense_snapshot: bool,
) -> None:
    index, served = build_world(db, specs)
    search = retriever(db, index, dense_snapshot)
    for scope, question, k in queries:
        hits = search.search(question, scope, k)
        assert len(hits) <= k
        assert [h.rank for h in hits] == list(range(1, len(hits) + 1))
        assert len({h.chunk.chunk_id for h in hits}) == len(hits)
        for hit in hits:
            chunk = hit.chunk
            assert chunk.site in scope.readable_sites, f"site leak: {chunk.site} for {scope}"
            assert scope.role in chunk.audience, f"role leak: {chunk.audience} for {scope.role}"
            assert chunk.version_key in served, f"unserved version {chunk.version_key}"
            for cid in hit.context_chunk_ids:
                assert cid.startswith(f"{chunk.version_key}#")


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(specs=st.lists(doc_st, min_size=1, max_size=6), data=st.data())
def test_an_in_scope_served_chunk_asked_verbatim_is_found(
    db: Database, specs: list[DocSpec], data: st.DataObject
) -> None:
    """The filters do not silently return nothing: asking a readable chunk's text finds hits."""
    index, served = build_world(db, specs)
    readable = [
        s.chunk
        for s in index.all_chunks()
        if s.chunk.version_key in served and s.chunk.site != "all"
    ]
    if not readable:
        return
    target = data.draw(st.sampled_from(sorted(readable, key=lambda c: c.chunk_id)))
    role = data.draw(st.sampled_from(sorted(target.audience)))
    scope = AccessScope(role=role, sites=frozenset({target.site}))
    hits = retriever(db, index).search(target.text, scope, 10)
    assert hits, "an in-scope exact match returned nothing"
    words = frozenset(normalise(target.text).split())
    # the target itself, or a near-duplicate that the collapse step kept in its place
    assert any(jaccard(words, frozenset(normalise(h.chunk.text).split())) >= 0.9 for h in hits), (
        "the asked chunk (or its near-duplicate) is missing"
    )


def test_module_uses_a_real_sqlite_registry(db: Database) -> None:
    assert Path(db.url.split("///", 1)[1]).exists()
