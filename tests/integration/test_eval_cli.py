"""``plant-copilot eval``: the public metrics.json contract, outputs, history and exit codes,
over real Chroma (hashing embedder: the contract, not the model, is under test)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.cli.main import main
from core.settings import load_settings
from eval.report import PUBLIC_METRICS
from eval.store import list_runs
from services.wiring import build
from tests.contracts.retriever_contract import Corpus
from tests.unit.evaluation.factories import GOLDEN, MAINTENANCE

pytestmark = pytest.mark.integration


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("PLANT_COPILOT_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("PLANT_COPILOT_EMBEDDING__BACKEND", "hashing")
    monkeypatch.setenv("PLANT_COPILOT_RETRIEVAL__KEYWORD_REFRESH", "sync")
    components = build(load_settings(_env_file=None))
    corpus = Corpus(components.db, components.index, components.embedder())
    corpus.write(
        "BRK-SOP-14",
        ["CIP caustic wash of the fillers: caustic concentration 2.0% at 80 °C for 25 min."],
        section="CIP parameters",
    )
    corpus.write(
        "BRK-INC-1",
        ["The hand laceration on FILLER-2 was caused by a broken edge on pocket 7."],
        doc_type="incident",
        audience=MAINTENANCE,
    )
    corpus.write("CAL-SOP-2", ["Resin drying on DRY-1: dew point -40 °C."], site="calder")
    (tmp_path / "golden.jsonl").write_text("\n".join(json.dumps(c) for c in GOLDEN) + "\n")
    (tmp_path / "easy.toml").write_text('[min]\n"hit@5" = 0.5\n[max]\nleaks = 0\n')
    (tmp_path / "hard.toml").write_text('[min]\n"hit@5" = 1.5\n')
    return tmp_path


def test_json_contract_outputs_and_history(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["eval", "--golden", str(home / "golden.jsonl"), "--no-ragas", "--json"]
    code = main([*args, "--out", str(home / "run1"), "--thresholds", str(home / "easy.toml")])
    assert code == 0
    data = json.loads(capsys.readouterr().out)
    assert set(PUBLIC_METRICS) <= set(data["metrics"])
    for key in ("run_id", "golden_file", "golden_sha256", "slices", "gate", "failures", "compare"):
        assert key in data
    assert {p.name for p in (home / "run1").iterdir()} >= {
        "metrics.json",
        "report.md",
        "latency.png",
    }

    code = main([*args, "--thresholds", str(home / "hard.toml")])
    assert code == 1  # a threshold failed
    second = json.loads(capsys.readouterr().out)
    assert second["compare"]["run_id"] == data["run_id"]
    assert (home / "home" / "eval" / second["run_id"] / "report.md").is_file()
    runs = list_runs(build(load_settings(_env_file=None)).db)
    assert [r.passed for r in runs] == [False, True]


def test_human_output_and_usage_errors(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    easy = ["--thresholds", str(home / "easy.toml"), "--no-ragas"]
    assert main(["eval", "--golden", str(home / "golden.jsonl"), *easy]) == 0
    out = capsys.readouterr().out
    assert "gate PASSED" in out and "hit@5" in out
    assert main(["eval", "--golden", str(home / "missing.jsonl"), *easy]) == 2
    assert main(["eval", "--golden", str(home / "golden.jsonl"), "--compare", "nope", *easy]) == 4
