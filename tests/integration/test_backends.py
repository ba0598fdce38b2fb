"""The same behaviour in both modes: embedded (SQLite + on-disk Chroma) and server (PostgreSQL +
Chroma over HTTP). Every test here runs once per backend through the ``module_backend``
fixture (``tests/servers.py``); no test knows which mode it runs in.

One copy of sample_docs is ingested per backend (hashing embedder) and shared by the module.
Tests that change the corpus touch documents no other test relies on and assert on the
difference they make, so they hold in any order.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from app.cli.main import main
from core.db.tables import InteractionRow
from core.interactions import get_interaction
from core.models import Role
from core.settings import Settings
from ingestion.report import IngestReport
from services.ask import ask
from services.search import search
from services.wiring import Components, build
from tests.conftest import SAMPLE_DOCS
from tests.helpers import leftover_problems, served_problems
from tests.servers import settings_env

pytestmark = pytest.mark.integration

CAUSTIC_QUESTION = "caustic wash concentration and temperature for FILLER-2 CIP"


@dataclass
class Indexed:
    """A backend with sample_docs ingested once, shared by the tests of this module."""

    settings: Settings
    components: Components
    corpus: Path
    first: IngestReport


@pytest.fixture(scope="module")
def indexed(module_backend: Settings) -> Iterator[Indexed]:
    corpus = module_backend.home.parent / "docs"
    shutil.copytree(SAMPLE_DOCS, corpus)
    components = build(module_backend)
    first = components.ingestor().ingest(corpus)
    yield Indexed(module_backend, components, corpus, first)
    components.db.dispose()


def test_first_ingest_indexes_every_site_consistently(indexed: Indexed) -> None:
    report = indexed.first
    assert report.failures == []
    assert report.documents.added >= 35 and report.documents.superseded >= 3
    assert set(report.sites_created) >= {"all", "brookfield", "calder", "dunmore"}
    assert report.chunks.embedded > 300
    assert served_problems(indexed.components) == []
    assert leftover_problems(indexed.components) == []


def test_reingest_without_changes_embeds_nothing(indexed: Indexed) -> None:
    report = indexed.components.ingestor().ingest(indexed.corpus)
    assert report.failures == []
    assert report.chunks.embedded == 0 and report.chunks.deleted == 0
    assert (report.documents.added, report.documents.updated, report.documents.removed) == (0, 0, 0)
    assert report.documents.unchanged >= 38


def test_editing_one_document_replaces_only_its_chunks(indexed: Indexed) -> None:
    sop = indexed.corpus / "calder" / "sop" / "cal-sop-010-purging-material-change.md"
    sop.write_text(
        sop.read_text(encoding="utf-8") + "\n\n## Note\nPurge compound QZ-77 only on IMM-4.\n",
        encoding="utf-8",
    )
    before = indexed.components.index.version_states()
    report = indexed.components.ingestor().ingest(indexed.corpus)
    assert report.failures == []
    assert report.documents.updated == 1 and report.documents.added == 0
    assert 1 <= report.chunks.embedded <= 3, "only the new or changed chunks are embedded"
    after = indexed.components.index.version_states()
    gone, new = set(before) - set(after), set(after) - set(before)
    assert {k.split("::")[0] for k in gone | new} == {"CAL-SOP-010"}
    assert len(gone) == 1 and len(new) == 1
    assert served_problems(indexed.components) == []
    assert leftover_problems(indexed.components) == []
    hits = search(indexed.components, "purge compound QZ-77", "calder", "operator", k=3)
    assert hits and hits[0].chunk.doc_id == "CAL-SOP-010" and "QZ-77" in hits[0].chunk.text


def test_prune_removes_a_deleted_files_chunks(indexed: Indexed) -> None:
    victim = indexed.corpus / "dunmore" / "sop" / "dun-sop-040-scrubber-operation.txt"
    victim.unlink()
    victim.with_name(victim.name + ".meta.yaml").unlink(missing_ok=True)
    report = indexed.components.ingestor().ingest(indexed.corpus, prune=True)
    assert report.documents.removed == 1 and report.chunks.deleted > 0
    states = indexed.components.index.version_states()
    assert not [k for k in states if k.startswith("DUN-SOP-040")]
    assert leftover_problems(indexed.components) == []
    hits = search(indexed.components, "scrubber operation", "dunmore", "admin", k=20)
    assert "DUN-SOP-040" not in {h.chunk.doc_id for h in hits}


@pytest.mark.parametrize(
    ("site", "role"),
    [("brookfield", "operator"), ("calder", "technician"), ("dunmore", "quality")],
)
def test_search_returns_only_current_in_scope_chunks(
    indexed: Indexed, site: str, role: str
) -> None:
    for question in ["caustic concentration CIP", "lockout tagout steps", "hydraulic hose"]:
        hits = search(indexed.components, question, site, role, k=10)
        assert hits, question
        for hit in hits:
            assert hit.chunk.site in {site, "all"}
            assert Role(role) in hit.chunk.audience
        revisions = {(h.chunk.doc_id, h.chunk.revision) for h in hits}
        assert not revisions & {("BRK-SOP-014", "2"), ("BRK-SOP-012", "2"), ("CAL-SOP-015", "4")}


def test_operator_never_sees_incident_records(indexed: Indexed) -> None:
    hits = search(indexed.components, "caustic splash incident injury", "brookfield", "operator")
    assert hits and {h.chunk.doc_type.value for h in hits} <= {"sop", "manual"}


def test_asset_history_counts_rows_in_both_modes(indexed: Indexed) -> None:
    result = ask(indexed.components, "how often has IMM-4 leaked in 2025?", "calder", "technician")
    history = result.answer.history
    assert history is not None and history.tag == "IMM-4" and history.count == 2
    rows = {c.row for c in result.answer.citations if c.doc_id == "CAL-WO-2025"}
    assert len(rows) == 2 and None not in rows


def test_ask_answers_with_citations_and_stores_the_interaction(indexed: Indexed) -> None:
    with indexed.components.db.session() as session:
        before = session.query(InteractionRow).count()
    result = ask(indexed.components, CAUSTIC_QUESTION, "brookfield", "operator", user="ana")
    answer = result.answer
    assert not answer.abstained
    assert answer.citations
    assert ("BRK-SOP-014", "3") in {(c.doc_id, c.revision) for c in answer.citations}
    assert all(c.site in {"brookfield", "all"} for c in answer.citations)
    assert "2.0%" in answer.answer
    with indexed.components.db.session() as session:
        assert session.query(InteractionRow).count() == before + 1
        stored = get_interaction(session, result.interaction_id)
    assert (stored.username, stored.role, stored.site) == ("ana", "operator", "brookfield")
    assert stored.question == CAUSTIC_QUESTION and stored.answer == answer.answer
    assert {r["chunk_id"] for r in stored.retrieved} >= {c.chunk_id for c in answer.citations}
    assert [c["doc_id"] for c in stored.citations] == [c.doc_id for c in answer.citations]
    assert set(stored.latency_ms) >= {"retrieve", "answer", "store", "total"}


def test_cli_takes_the_backend_from_the_environment(
    indexed: Indexed, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for key, value in settings_env(indexed.settings).items():
        monkeypatch.setenv(key, value)
    assert main(["status", "--json"]) == 0
    status = json.loads(capsys.readouterr().out)
    assert {s["site"] for s in status["sites"]} >= {"brookfield", "calder", "dunmore"}
    assert status["chunks_in_index"] == indexed.components.index.count()
    code = main(["search", "caustic concentration", "--site", "brookfield", "--role", "operator", "--json"])  # fmt: skip
    assert code == 0
    results = json.loads(capsys.readouterr().out)["results"]
    assert results and results[0]["site"] in {"brookfield", "all"}


# Users, logins, chat feedback and quality review in both modes: test_backends_users_review.py.
