"""Behaviour every VectorIndex implementation must have (haystack-style shared suite).

Subclass ``VectorIndexContract`` and provide an ``index`` fixture; every test here then runs
against that implementation.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from core.models import AccessScope, Chunk, DocType, Role
from core.ports import VectorIndex
from retrieval.embedders import HashingEmbedder

EMB = HashingEmbedder(64)


def make_chunk(
    doc_id: str,
    version: str,
    ordinal: int,
    text: str,
    site: str = "brookfield",
    audience: frozenset[Role] = frozenset(Role),
    doc_type: DocType = DocType.SOP,
) -> Chunk:
    return Chunk(
        chunk_id=f"{version}-{ordinal}",
        version_key=version,
        doc_id=doc_id,
        ordinal=ordinal,
        text=text,
        title=f"Title {doc_id}",
        site=site,
        doc_type=doc_type,
        revision="1",
        effective_date=date(2025, 1, 1),
        audience=audience,
        section_path=("Procedure", "Step"),
        page=2,
        row=None,
        safety_notices=("WARNING: hot surface",),
        source_path="/x.md",
    )


def add(index: VectorIndex, chunks: list[Chunk], current: bool = True) -> None:
    index.add(chunks, EMB.embed_documents([c.text for c in chunks]), current=current)


def scope(role: Role = Role.OPERATOR, *sites: str, superseded: bool = False) -> AccessScope:
    return AccessScope(
        role=role, sites=frozenset(sites or ("brookfield",)), include_superseded=superseded
    )


class VectorIndexContract:
    """The shared suite."""

    def test_add_and_query_returns_nearest_first(self, index: VectorIndex) -> None:
        add(
            index,
            [
                make_chunk("D1", "v1", 0, "clear the bottle jam on the filler"),
                make_chunk("D1", "v1", 1, "caustic wash concentration two percent"),
            ],
        )
        hits = index.query(EMB.embed_query("caustic wash concentration"), scope(), 2)
        assert [h.chunk.ordinal for h in hits] == [1, 0]
        assert hits[0].score > hits[1].score

    def test_round_trip_keeps_every_field(self, index: VectorIndex) -> None:
        chunk = make_chunk("D1", "v1", 0, "torque 45 Nm")
        add(index, [chunk])
        [got] = index.get([chunk.chunk_id])
        assert got.chunk == chunk
        assert got.current is True

    def test_scope_filters_site_role_and_current(self, index: VectorIndex) -> None:
        add(index, [make_chunk("A", "a1", 0, "pump seal", site="dunmore")])
        add(
            index,
            [make_chunk("B", "b1", 0, "pump seal", audience=frozenset({Role.QUALITY, Role.ADMIN}))],
        )
        add(index, [make_chunk("C", "c1", 0, "pump seal", site="all")])
        add(index, [make_chunk("D", "d1", 0, "pump seal")], current=False)
        hits = index.query(EMB.embed_query("pump seal"), scope(Role.OPERATOR, "brookfield"), 10)
        assert {h.chunk.doc_id for h in hits} == {"C"}
        hits = index.query(EMB.embed_query("pump seal"), scope(Role.QUALITY, "brookfield"), 10)
        assert {h.chunk.doc_id for h in hits} == {"B", "C"}
        hits = index.query(
            EMB.embed_query("pump seal"), scope(Role.QUALITY, "brookfield", superseded=True), 10
        )
        assert {h.chunk.doc_id for h in hits} == {"B", "C", "D"}

    def test_set_current_and_delete_version(self, index: VectorIndex) -> None:
        add(index, [make_chunk("D1", "v1", i, f"text {i}") for i in range(3)])
        add(index, [make_chunk("D1", "v2", i, f"new text {i}") for i in range(2)], current=False)
        assert index.set_current("v1", False) == 3
        assert index.set_current("v1", False) == 0
        assert index.set_current("v2", True) == 2
        states = index.version_states()
        assert (states["v1"].total, states["v1"].flagged_current) == (3, 0)
        assert (states["v2"].total, states["v2"].flagged_current) == (2, 2)
        assert index.delete_version("v1") == 3
        assert "v1" not in index.version_states()
        assert index.count() == 2

    def test_chunks_of_version_are_ordered(self, index: VectorIndex) -> None:
        add(index, [make_chunk("D1", "v1", i, f"text {i}") for i in (2, 0, 1)])
        assert [c.ordinal for c in index.chunks_of_version("v1")] == [0, 1, 2]

    def test_embeddings_by_text_returns_stored_vectors(self, index: VectorIndex) -> None:
        chunk = make_chunk("D1", "v1", 0, "reuse me")
        add(index, [chunk])
        stored = index.embeddings_by_text("D1")
        assert np.allclose(stored[chunk.text_hash], EMB.embed_documents([chunk.text])[0], atol=1e-6)
        assert index.embeddings_by_text("other") == {}

    def test_query_with_nothing_in_scope_is_empty(self, index: VectorIndex) -> None:
        add(index, [make_chunk("D1", "v1", 0, "x", site="calder")])
        assert index.query(EMB.embed_query("x"), scope(Role.ADMIN, "brookfield"), 5) == []
        with pytest.raises(Exception):  # noqa: B017 - an empty scope is a usage error
            AccessScope(role=Role.ADMIN, sites=frozenset())

    def test_chunks_at_returns_requested_ordinals_in_order(self, index: VectorIndex) -> None:
        add(index, [make_chunk("D1", "v1", i, f"text {i}") for i in range(5)])
        add(index, [make_chunk("D1", "v2", i, f"other {i}") for i in range(5)], current=False)
        assert [c.ordinal for c in index.chunks_at("v1", [3, 1, 9])] == [1, 3]
        assert {c.version_key for c in index.chunks_at("v1", [0, 1])} == {"v1"}
        assert index.chunks_at("v1", []) == []

    def test_all_chunks_yields_every_chunk_with_its_flag(self, index: VectorIndex) -> None:
        add(index, [make_chunk("D1", "v1", i, f"text {i}") for i in range(3)])
        add(index, [make_chunk("D1", "v2", i, f"new {i}") for i in range(2)], current=False)
        got = {s.chunk.chunk_id: (s.current, s.chunk) for s in index.all_chunks()}
        assert set(got) == {"v1-0", "v1-1", "v1-2", "v2-0", "v2-1"}
        assert [got[f"v1-{i}"][0] for i in range(3)] == [True, True, True]
        assert [got[f"v2-{i}"][0] for i in range(2)] == [False, False]
        assert got["v1-1"][1] == make_chunk("D1", "v1", 1, "text 1")

    def test_set_current_changes_what_query_sees(self, index: VectorIndex) -> None:
        add(index, [make_chunk("D1", "v1", 0, "pump seal")], current=False)
        vector = EMB.embed_query("pump seal")
        assert index.query(vector, scope(), 5) == []
        index.set_current("v1", True)
        assert [h.chunk.chunk_id for h in index.query(vector, scope(), 5)] == ["v1-0"]
        index.set_current("v1", False)
        assert index.query(vector, scope(), 5) == []
        assert len(index.query(vector, scope(superseded=True), 5)) == 1

    def test_all_embeddings_yields_every_stored_vector(self, index: VectorIndex) -> None:
        chunks = [make_chunk("D1", "v1", i, f"vector text {i}") for i in range(3)]
        add(index, chunks)
        got = dict(index.all_embeddings())
        assert set(got) == {c.chunk_id for c in chunks}
        expected = EMB.embed_documents([c.text for c in chunks])
        for chunk, vector in zip(chunks, expected, strict=True):
            assert np.allclose(got[chunk.chunk_id], vector, atol=1e-6)

    def test_embedder_stamp_round_trips_and_set_embeddings_replaces_vectors(
        self, index: VectorIndex
    ) -> None:
        from core.embedder_stamp import EmbedderStamp

        assert index.embedder_stamp() is None
        stamp = EmbedderStamp(model_id="model-a", dimension=64, complete=False)
        index.set_embedder_stamp(stamp)
        assert index.embedder_stamp() == stamp
        chunk = make_chunk("D1", "v1", 0, "pump seal leak")
        add(index, [chunk])
        other = EMB.embed_documents(["gearbox coupling torque"])
        index.set_embeddings([chunk.chunk_id], other)
        assert np.allclose(dict(index.all_embeddings())[chunk.chunk_id], other[0], atol=1e-6)
        [got] = index.get([chunk.chunk_id])
        assert got.chunk == chunk and got.current  # text and metadata untouched
        index.set_embedder_stamp(stamp.model_copy(update={"complete": True}))
        assert index.embedder_stamp() == EmbedderStamp(model_id="model-a", dimension=64)
