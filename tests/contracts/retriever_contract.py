"""Behaviour the hybrid Retriever must have over any VectorIndex (shared suite).

Subclass ``RetrieverContract`` and provide an ``index`` fixture (empty VectorIndex); documents
are written through the real crash-safe writer into a real SQLite registry, with the hashing
embedder, so each test states its corpus in a few lines.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from core.answers import SearchHit
from core.db.engine import Database
from core.models import AccessScope, Chunk, DocType, DocumentMeta, Role
from core.ports import Embedder, VectorIndex
from core.registry import ensure_site, insert_staged
from core.settings import EmbeddingSettings, RetrievalSettings, Settings
from ingestion.reembed import claim_or_check
from ingestion.writer import write_version
from retrieval.embedders import HashingEmbedder
from services.wiring import make_retriever

ALL_ROLES = frozenset(Role)


class Corpus:
    """Writes documents into a registry and an index the way ingestion does."""

    def __init__(self, db: Database, index: VectorIndex, embedder: Embedder) -> None:
        self.db, self.index, self.embedder = db, index, embedder

    def meta(self, doc_id: str, texts: Sequence[str], **kw: object) -> DocumentMeta:
        site = str(kw.get("site", "brookfield"))
        with self.db.session() as s:
            ensure_site(s, site)
        revision = str(kw.get("revision", "1"))
        digest = hashlib.sha256("\x1f".join([doc_id, revision, *texts]).encode()).hexdigest()
        return DocumentMeta(
            doc_id=doc_id,
            title=str(kw.get("title", f"Title of {doc_id}")),
            site=site,
            doc_type=DocType(str(kw.get("doc_type", "sop"))),
            revision=revision,
            audience=kw.get("audience", ALL_ROLES),  # type: ignore[arg-type]
            source_path=f"/{doc_id}.md",
            content_hash=digest,
        )

    def chunks(self, meta: DocumentMeta, texts: Sequence[str], section: str) -> list[Chunk]:
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
                section_path=(section,),
                page=1,
            )
            for i, text in enumerate(texts)
        ]

    def write(self, doc_id: str, texts: Sequence[str], **kw: object) -> DocumentMeta:
        """Index one version (current unless ``current=False``)."""
        meta = self.meta(doc_id, texts, **kw)
        chunks = self.chunks(meta, texts, str(kw.get("section", "Procedure")))
        vectors = self.embedder.embed_documents([c.text for c in chunks])
        claim_or_check(self.index, self.embedder)  # as ingestion does before writing
        write_version(self.db, self.index, meta, chunks, vectors, bool(kw.get("current", True)))
        return meta

    def stage_only(self, doc_id: str, texts: Sequence[str], **kw: object) -> DocumentMeta:
        """A version interrupted before its switch: staged in SQL, chunks flagged current."""
        meta = self.meta(doc_id, texts, **kw)
        chunks = self.chunks(meta, texts, "Procedure")
        with self.db.session() as s:
            insert_staged(s, meta, len(chunks))
        claim_or_check(self.index, self.embedder)
        self.index.add(chunks, self.embedder.embed_documents(texts), current=True)
        return meta


def scope(role: Role = Role.OPERATOR, *sites: str, superseded: bool = False) -> AccessScope:
    return AccessScope(
        role=role, sites=frozenset(sites or ("brookfield",)), include_superseded=superseded
    )


def docs(hits: Sequence[SearchHit]) -> list[str]:
    return [h.chunk.doc_id for h in hits]


class RetrieverContract:
    """The shared suite; needs an ``index`` fixture."""

    @pytest.fixture
    def db(self, tmp_path: Path) -> Database:
        database = Database(f"sqlite:///{tmp_path / 'registry.db'}")
        database.upgrade()
        return database

    @pytest.fixture
    def corpus(self, db: Database, index: VectorIndex) -> Corpus:
        return Corpus(db, index, HashingEmbedder(128))

    def retriever(self, corpus: Corpus, tmp_path: Path, **overrides: object):  # type: ignore[no-untyped-def]
        settings = Settings(
            _env_file=None,  # type: ignore[call-arg]
            home=tmp_path / "home",
            embedding=EmbeddingSettings(backend="hashing", dimension=128),
            retrieval=RetrievalSettings(keyword_refresh="sync", **overrides),  # type: ignore[arg-type]
        )
        return make_retriever(settings, corpus.db, corpus.index, corpus.embedder)

    def test_asset_tag_question_finds_the_tagged_chunk_first(
        self, corpus: Corpus, tmp_path: Path
    ) -> None:
        corpus.write("COUPLING", ["Gearbox coupling on CONV-3: torque the bolts to 45 Nm."])
        corpus.write("OTHER", ["Gearbox coupling on CONV-4: torque the bolts to 60 Nm."])
        corpus.write("NOISE", ["Caustic wash concentration is two percent."])
        hits = self.retriever(corpus, tmp_path).search("torque spec CONV-3 coupling", scope(), 3)
        assert hits[0].chunk.doc_id == "COUPLING"
        assert hits[0].keyword_score is not None and hits[0].dense_score is not None
        assert [h.rank for h in hits] == list(range(1, len(hits) + 1))

    def test_scope_site_role_and_company_wide(self, corpus: Corpus, tmp_path: Path) -> None:
        corpus.write("HERE", ["pump seal replacement P-301"])
        corpus.write("THERE", ["pump seal replacement P-301 at dunmore"], site="dunmore")
        corpus.write("ALL", ["pump seal company standard P-301"], site="all")
        corpus.write(
            "QA", ["pump seal deviation P-301"], audience=frozenset({Role.QUALITY, Role.ADMIN})
        )
        retriever = self.retriever(corpus, tmp_path)
        assert set(docs(retriever.search("pump seal P-301", scope(), 10))) == {"HERE", "ALL"}
        quality = retriever.search("pump seal P-301", scope(Role.QUALITY), 10)
        assert set(docs(quality)) == {"HERE", "ALL", "QA"}
        assert docs(retriever.search("pump seal P-301", scope(Role.OPERATOR, "dunmore"), 10)) in (
            ["THERE", "ALL"],
            ["ALL", "THERE"],
        )

    def test_only_the_current_revision_is_served(self, corpus: Corpus, tmp_path: Path) -> None:
        old = corpus.write("SOP", ["filler jam: stop the line, old method"], revision="1")
        new = corpus.write("SOP", ["filler jam: stop the line, new method"], revision="2")
        retriever = self.retriever(corpus, tmp_path)
        hits = retriever.search("filler jam stop the line", scope(), 5)
        assert [h.chunk.version_key for h in hits] == [new.version_key]
        audit = retriever.search(
            "filler jam stop the line", scope(Role.QUALITY, superseded=True), 5
        )
        assert {h.chunk.version_key for h in audit} == {old.version_key, new.version_key}

    def test_half_finished_switch_is_never_served(self, corpus: Corpus, tmp_path: Path) -> None:
        served = corpus.write("SOP", ["lockout steps for the palletiser"])
        corpus.stage_only("SOP", ["lockout steps for the palletiser, draft"], revision="2")
        corpus.stage_only("NEW", ["lockout steps for the palletiser, new doc"])
        hits = self.retriever(corpus, tmp_path).search("lockout palletiser", scope(), 10)
        assert [h.chunk.version_key for h in hits] == [served.version_key]

    def test_near_duplicates_collapse(self, corpus: Corpus, tmp_path: Path) -> None:
        text = "Clear the capper jam: open the guard, remove the caps, close the guard."
        corpus.write("A", [text])
        corpus.write("B", [text.upper() + "  "])
        corpus.write("C", ["Capper torque check weekly."])
        hits = self.retriever(corpus, tmp_path).search("capper jam guard", scope(), 5)
        assert docs(hits).count("A") + docs(hits).count("B") == 1

    def test_numbered_steps_continuing_in_the_next_chunk_are_joined(
        self, corpus: Corpus, tmp_path: Path
    ) -> None:
        corpus.write(
            "LOTO",
            [
                "Lockout of EXT-2 — Procedure\n1. Stop the extruder.\n2. Isolate the main breaker.",
                "Lockout of EXT-2 — Procedure\n3. Apply your padlock.\n4. Verify zero energy.",
                "Lockout of EXT-2 — Records\nKeep the permit for one year.",
            ],
        )
        hits = self.retriever(corpus, tmp_path).search("isolate main breaker EXT-2", scope(), 3)
        top = hits[0]
        assert top.chunk.ordinal == 0
        assert top.context_text is not None
        assert "4. Verify zero energy." in top.context_text
        assert top.context_text.count("Lockout of EXT-2 — Procedure") == 1
        assert len(top.context_chunk_ids) == 2
        assert all(h.chunk.chunk_id not in top.context_chunk_ids for h in hits[1:])

    def test_results_are_deterministic_and_k_is_respected(
        self, corpus: Corpus, tmp_path: Path
    ) -> None:
        for i in range(12):
            corpus.write(f"D{i:02d}", [f"conveyor belt tracking check number {i}"])
        retriever = self.retriever(corpus, tmp_path)
        first = retriever.search("conveyor belt tracking", scope(), 5)
        assert len(first) == 5
        again = retriever.search("conveyor belt tracking", scope(), 5)
        assert [h.model_dump() for h in first] == [h.model_dump() for h in again]

    def test_new_documents_are_found_after_ingest(self, corpus: Corpus, tmp_path: Path) -> None:
        retriever = self.retriever(corpus, tmp_path)
        assert retriever.search("homogeniser valve", scope(), 3) == []
        corpus.write("NEW", ["homogeniser valve HV-12 service"])
        hits = retriever.search("HV-12", scope(), 3)
        assert docs(hits) == ["NEW"] and hits[0].keyword_score is not None

    def test_manuals_come_before_records_unless_the_question_is_about_the_past(
        self, corpus: Corpus, tmp_path: Path
    ) -> None:
        corpus.write("WO-1", ["IMM-4 E57 accumulator precharge low"], doc_type="work_order")
        corpus.write(
            "MAN-1",
            ["Alarm E57 on IMM-4: accumulator precharge low, recharge nitrogen to 130 bar"],
            doc_type="manual",
        )
        plain = self.retriever(corpus, tmp_path / "plain", record_weight=1.0)
        weighted = self.retriever(corpus, tmp_path / "weighted", record_weight=0.5)
        now, past = "IMM-4 E57 accumulator precharge low?", "When did E57 last occur on IMM-4?"
        assert docs(plain.search(now, scope(Role.TECHNICIAN), 2)) == ["WO-1", "MAN-1"]
        assert docs(weighted.search(now, scope(Role.TECHNICIAN), 2)) == ["MAN-1", "WO-1"]
        assert docs(weighted.search(past, scope(Role.TECHNICIAN), 2)) == docs(
            plain.search(past, scope(Role.TECHNICIAN), 2)
        )
        hits = weighted.search(now, scope(Role.TECHNICIAN), 2)
        assert hits[0].score >= hits[1].score  # reported scores follow the order


def unit_vectors(n: int, dim: int, seed: int = 0) -> np.ndarray:
    """Random unit vectors (for tests that need embeddings without text)."""
    rng = np.random.default_rng(seed)
    v = rng.normal(size=(n, dim)).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)
