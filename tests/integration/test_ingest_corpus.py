"""Ingestion over the real sample corpus and a bad-input corpus, through the CLI entry point.

Real parsers, real Chroma on disk and a real SQLite registry; the hashing embedder keeps these
fast (the real model is exercised in test_ingest_real_model.py).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from app.cli.main import main
from core.models import AccessScope, Role
from services.wiring import build
from tests.conftest import SAMPLE_DOCS
from tests.helpers import leftover_problems, make_settings, served_problems

pytestmark = pytest.mark.integration


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh home for the CLI, with the hashing embedder."""
    monkeypatch.setenv("PLANT_COPILOT_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("PLANT_COPILOT_EMBEDDING__BACKEND", "hashing")
    return tmp_path


def cli_json(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict]:
    code = main([*args, "--json"])
    out = capsys.readouterr().out
    return code, json.loads(out)


@pytest.fixture
def corpus(env: Path) -> Path:
    target = env / "docs"
    shutil.copytree(SAMPLE_DOCS, target)
    return target


def test_sample_corpus_ingests_cleanly_then_is_a_no_op(
    corpus: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, first = cli_json(capsys, "ingest", str(corpus))
    assert code == 0, first["failures"]
    assert first["failures"] == []
    assert set(first["sites_created"]) >= {"all", "brookfield", "calder", "dunmore"}
    assert first["documents"]["added"] >= 35 and first["documents"]["superseded"] >= 3
    assert set(first) >= {"documents", "chunks", "failures", "sites_created"}
    assert set(first["documents"]) >= {
        "added",
        "updated",
        "unchanged",
        "superseded",
        "removed",
        "failed",
    }
    assert set(first["chunks"]) >= {"embedded", "deleted"}
    code, second = cli_json(capsys, "ingest", str(corpus))
    assert code == 0
    assert second["chunks"]["embedded"] == 0
    assert (
        second["documents"]["unchanged"]
        == first["documents"]["added"] + first["documents"]["superseded"]
    )
    _, status = cli_json(capsys, "status")
    doc_types = {d["doc_type"] for d in _docs(capsys)}
    assert doc_types == {"sop", "manual", "incident", "work_order"}
    assert len([s for s in status["sites"] if s["documents_current"] > 0]) >= 4


def _docs(capsys: pytest.CaptureFixture[str]) -> list[dict]:
    main(["docs", "list", "--json"])
    return json.loads(capsys.readouterr().out)


def test_editing_one_document_replaces_only_its_chunks(
    corpus: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cli_json(capsys, "ingest", str(corpus))
    sop = corpus / "calder" / "sop" / "cal-sop-010-purging-material-change.md"
    sop.write_text(sop.read_text(encoding="utf-8") + "\n\n## Note\nPurge compound PX-9 only.\n")
    code, report = cli_json(capsys, "ingest", str(corpus))
    assert code == 0
    assert report["documents"]["updated"] == 1 and report["documents"]["added"] == 0
    assert 1 <= report["chunks"]["embedded"] <= 3, "only the new or changed chunks are embedded"
    assert report["chunks"]["deleted"] > 0
    components = build(make_settings(Path(corpus.parent / "home")))
    assert served_problems(components) == [] and leftover_problems(components) == []


def test_prune_removes_a_deleted_files_chunks(
    corpus: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cli_json(capsys, "ingest", str(corpus))
    victim = corpus / "dunmore" / "sop" / "dun-sop-040-scrubber-operation.txt"
    victim.unlink()
    victim.with_name(victim.name + ".meta.yaml").unlink(missing_ok=True)
    _, without_prune = cli_json(capsys, "ingest", str(corpus))
    assert without_prune["documents"]["removed"] == 0
    _, pruned = cli_json(capsys, "ingest", str(corpus), "--prune")
    assert pruned["documents"]["removed"] == 1 and pruned["chunks"]["deleted"] > 0
    components = build(make_settings(Path(corpus.parent / "home")))
    states = components.index.version_states()
    assert not [k for k in states if k.startswith("DUN-SOP-040")]
    assert leftover_problems(components) == []


def test_superseded_revision_never_comes_back_from_a_default_query(
    corpus: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cli_json(capsys, "ingest", str(corpus))
    components = build(make_settings(Path(corpus.parent / "home")))
    embedder = components.embedder()
    scope = AccessScope(role=Role.ADMIN, sites=frozenset({"brookfield", "calder", "dunmore"}))
    for question in ["caustic concentration CIP", "jam clearing filler", "resin drying dew point"]:
        hits = components.index.query(embedder.embed_query(question), scope, 200)
        assert hits
        revisions = {(h.chunk.doc_id, h.chunk.revision) for h in hits}
        assert ("BRK-SOP-014", "2") not in revisions
        assert ("BRK-SOP-012", "2") not in revisions
        assert ("CAL-SOP-015", "4") not in revisions
    audit = AccessScope(role=Role.ADMIN, sites=frozenset({"brookfield"}), include_superseded=True)
    hits = components.index.query(embedder.embed_query("caustic concentration CIP"), audit, 300)
    assert ("BRK-SOP-014", "2") in {(h.chunk.doc_id, h.chunk.revision) for h in hits}
