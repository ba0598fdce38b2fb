"""``plant-copilot search``: the public JSON contract and exit codes, over real Chroma."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.cli.main import main
from core.settings import load_settings
from services.wiring import build
from tests.contracts.retriever_contract import Corpus

pytestmark = pytest.mark.integration

PUBLIC_KEYS = {
    "rank",
    "chunk_id",
    "doc_id",
    "title",
    "site",
    "doc_type",
    "revision",
    "section",
    "page",
    "row",
    "score",
    "text",
}


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("PLANT_COPILOT_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("PLANT_COPILOT_EMBEDDING__BACKEND", "hashing")
    components = build(load_settings(_env_file=None))
    corpus = Corpus(components.db, components.index, components.embedder())
    corpus.write("BRK-SOP-7", ["Gearbox coupling on CONV-3: torque to 45 Nm.", "2. Re-check."])
    corpus.write("ALL-SOP-1", ["Company torque wrench calibration policy."], site="all")
    return tmp_path / "home"


def test_search_json_has_exactly_the_public_keys(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["CONV-3 torque", "--site", "brookfield", "--role", "technician", "--k", "3"]
    code = main(["search", *args, "--json"])
    assert code == 0
    results = json.loads(capsys.readouterr().out)["results"]
    assert results and all(set(r) == PUBLIC_KEYS for r in results)
    top = results[0]
    assert (top["rank"], top["doc_id"], top["site"], top["doc_type"]) == (
        1,
        "BRK-SOP-7",
        "brookfield",
        "sop",
    )
    assert top["section"] == "Procedure" and top["page"] == 1 and top["row"] is None
    assert "45 Nm" in top["text"]
    assert isinstance(top["score"], float)


def test_search_table_output(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["search", "torque", "--site", "brookfield", "--role", "operator"]) == 0
    assert "BRK-SOP-7" in capsys.readouterr().out


def test_unknown_role_or_site_exit_2(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["search", "torque", "--site", "brookfield", "--role", "boss"]) == 2
    assert main(["search", "torque", "--site", "mars", "--role", "operator"]) == 2
    assert "unknown site" in capsys.readouterr().err
