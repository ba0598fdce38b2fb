"""Bad input gets one clear reason per file; good files are indexed; nothing indexed is lost."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from app.cli.main import main
from tests.conftest import SAMPLE_DOCS

pytestmark = pytest.mark.integration

GOOD_SOP = (
    "---\ndoc_id: {doc_id}\nrevision: {rev}\n---\n# Start-up\n\n1. Check guard {n} is closed.\n"
)


def run(capsys: pytest.CaptureFixture[str], path: Path) -> tuple[int, dict]:
    code = main(["ingest", str(path), "--json"])
    return code, json.loads(capsys.readouterr().out)


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("PLANT_COPILOT_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("PLANT_COPILOT_EMBEDDING__BACKEND", "hashing")
    return tmp_path


def write_bad_corpus(root: Path) -> dict[str, str]:
    """Files that must each fail, mapped to a word their reason must contain."""
    sop = root / "calder" / "sop"
    man = root / "calder" / "manual"
    sop.mkdir(parents=True)
    man.mkdir(parents=True)
    pdf = (SAMPLE_DOCS / "calder" / "manual" / "kh-350-press-manual.pdf").read_bytes()
    (sop / "empty.md").write_bytes(b"")
    (man / "corrupt.pdf").write_bytes(b"%PDF-1.7\n" + b"\x00garbage" * 300)
    (man / "random.pdf").write_bytes(bytes(range(256)) * 40)
    (man / "truncated.pdf").write_bytes(pdf[: len(pdf) // 2])
    (sop / "tool.exe").write_bytes(b"MZ\x90\x00")
    with (sop / "huge.txt").open("wb") as handle:  # sparse: 50 MB without writing 50 MB
        handle.truncate(50 * 1024 * 1024)
    (sop / "conflict-a.md").write_text(GOOD_SOP.format(doc_id="CAL-SOP-900", rev="2", n=1))
    (sop / "conflict-b.md").write_text(GOOD_SOP.format(doc_id="CAL-SOP-900", rev="2", n=2))
    (sop / "badrole.md").write_text(
        "---\ndoc_id: CAL-SOP-901\naudience: [operator, foreman]\n---\n# X\ntext\n"
    )
    return {
        "empty.md": "empty",
        "corrupt.pdf": "pdf",
        "random.pdf": "pdf",
        "truncated.pdf": "pdf",
        "tool.exe": "unsupported",
        "huge.txt": "MB",
        "conflict-a.md": "conflicting",
        "conflict-b.md": "conflicting",
        "badrole.md": "foreman",
    }


def test_bad_files_fail_one_by_one_and_the_rest_is_indexed(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    corpus = home / "docs"
    shutil.copytree(SAMPLE_DOCS / "calder", corpus / "calder")
    code, before = run(capsys, corpus)
    assert code == 0
    indexed = before["documents"]["added"] + before["documents"]["superseded"]

    expected = write_bad_corpus(home / "bad")
    shutil.copytree(home / "bad" / "calder", corpus / "calder", dirs_exist_ok=True)
    (corpus / "calder" / "sop" / "good-new.md").write_text(
        GOOD_SOP.format(doc_id="CAL-SOP-902", rev="1", n=3)
    )
    code, after = run(capsys, corpus)

    assert code == 1, "some files failed: exit code 1"
    reasons = {Path(f["path"]).name: f["reason"] for f in after["failures"]}
    assert set(reasons) == set(expected)
    for name, needle in expected.items():
        assert needle.lower() in reasons[name].lower(), (name, reasons[name])
        assert "\n" not in reasons[name] and len(reasons[name]) < 300
    assert after["documents"]["failed"] == len(expected)
    assert after["documents"]["added"] == 1, "the good new file is indexed"
    assert after["documents"]["unchanged"] == indexed, "nothing already indexed is lost"
    assert after["documents"]["removed"] == 0


def test_corrupting_an_indexed_file_keeps_its_served_version(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    corpus = home / "docs"
    shutil.copytree(SAMPLE_DOCS / "calder" / "manual", corpus / "calder" / "manual")
    run(capsys, corpus)
    target = corpus / "calder" / "manual" / "vx-65-extruder-manual.pdf"
    target.write_bytes(target.read_bytes()[:500])
    code, report = run(capsys, corpus)
    assert code == 1 and report["documents"]["failed"] == 1
    main(["docs", "show", "CAL-MAN-VX65", "--json"])
    revisions = json.loads(capsys.readouterr().out)
    assert [r["status"] for r in revisions] == ["current"]
    assert revisions[0]["chunk_count"] > 0


def test_usage_errors_exit_2_with_one_line(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    doc = home / "x.md"
    doc.write_text("# x\n")
    assert (
        main(["ingest", str(doc), "--site", "calder", "--doc-type", "sop", "--audience", "boss"])
        == 2
    )
    err = capsys.readouterr().err.strip()
    assert "unknown role 'boss'" in err and "\n" not in err
    assert main(["ingest", str(doc), "--doc-type", "recipe"]) == 2
    assert main(["status", "--site", "nowhere"]) == 2
    assert "unknown site 'nowhere'" in capsys.readouterr().err
