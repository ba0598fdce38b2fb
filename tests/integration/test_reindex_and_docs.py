"""reindex and docs commands over a small corpus (hashing embedder, real Chroma and SQLite)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from app.cli.main import main
from tests.conftest import SAMPLE_DOCS

pytestmark = pytest.mark.integration


def run_json(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, object]:
    code = main([*args, "--json"])
    return code, json.loads(capsys.readouterr().out)


@pytest.fixture
def corpus(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("PLANT_COPILOT_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("PLANT_COPILOT_EMBEDDING__BACKEND", "hashing")
    shutil.copytree(SAMPLE_DOCS / "dunmore", tmp_path / "docs" / "dunmore")
    return tmp_path / "docs"


def test_reindex_picks_up_edits_full_re_embeds_and_reports_missing_files(
    corpus: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, first = run_json(capsys, "ingest", str(corpus))
    assert isinstance(first, dict)
    sop = corpus / "dunmore" / "sop" / "dun-sop-014-reactor-caustic-wash.md"
    sop.write_text(sop.read_text(encoding="utf-8").replace("4.0%", "4.5%"), encoding="utf-8")
    code, report = run_json(capsys, "reindex", "--site", "dunmore")
    assert code == 0 and isinstance(report, dict)
    assert report["documents"]["updated"] == 1 and report["chunks"]["embedded"] >= 1
    code, full = run_json(capsys, "reindex", "--full")
    assert code == 0 and isinstance(full, dict)
    assert full["chunks"]["embedded"] == first["chunks"]["embedded"] + first["chunks"]["reused"]
    (corpus / "dunmore" / "sop" / "dun-sop-040-scrubber-operation.txt").unlink()
    code, missing = run_json(capsys, "reindex")
    assert code == 1 and isinstance(missing, dict)
    assert [Path(f["path"]).name for f in missing["failures"]] == [
        "dun-sop-040-scrubber-operation.txt"
    ]
    _, docs = run_json(capsys, "docs", "list", "--site", "dunmore")
    assert "DUN-SOP-040" in {d["doc_id"] for d in docs}, "a missing file keeps its indexed content"


def test_docs_show_and_delete(corpus: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run_json(capsys, "ingest", str(corpus))
    code, revisions = run_json(capsys, "docs", "show", "DUN-SOP-014")
    assert code == 0 and isinstance(revisions, list)
    assert revisions[0]["status"] == "current" and revisions[0]["chunk_count"] > 0
    code, deleted = run_json(capsys, "docs", "delete", "DUN-SOP-014")
    assert code == 0 and isinstance(deleted, dict) and deleted["chunks_deleted"] > 0
    _, docs = run_json(capsys, "docs", "list")
    assert isinstance(docs, list) and "DUN-SOP-014" not in {d["doc_id"] for d in docs}
    assert main(["docs", "show", "NOPE-1"]) == 4
    assert "no document with doc_id 'NOPE-1'" in capsys.readouterr().err
    _, status = run_json(capsys, "status", "--site", "dunmore")
    assert isinstance(status, dict) and status["sites"][0]["documents_current"] == len(docs)
