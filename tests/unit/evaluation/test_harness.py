"""The golden runner and harness over the fakes: records, outputs, SQL history, deltas, gate."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from core.errors import NotFoundError
from eval.gate import Thresholds, check_gate, load_thresholds
from eval.golden_set import load_golden
from eval.harness import EvalOptions, run_eval
from eval.report import PUBLIC_METRICS
from eval.run import run_golden
from eval.store import get_run, list_runs
from services.wiring import Components

pytestmark = pytest.mark.unit


def _thresholds(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "t.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_runner_records_hits_answers_and_scope(plant: Components, golden_file: Path) -> None:
    results = run_golden(plant, load_golden(golden_file))
    q1, q2, q3 = results
    assert q1.error is None and q1.hits[0].doc_id == "BRK-SOP-14"
    assert q1.hits[0].section_path == ("CIP parameters",) and q1.hits[0].current
    assert not q1.abstained and "2.0%" in q1.answer
    assert [c.doc_id for c in q1.citations] == ["BRK-SOP-14"]
    assert q1.doc_type == "sop" and q2.doc_type == "incident" and q3.doc_type == "none"
    assert all(h.doc_id != "BRK-INC-1" for h in q2.hits)  # the operator never sees the incident
    assert all(h.site == "calder" for h in q3.hits)
    assert q1.search_ms > 0 and q1.ask_ms > 0


def test_a_golden_site_unknown_to_the_registry_is_an_error_not_a_crash(
    plant: Components, tmp_path: Path
) -> None:
    path = tmp_path / "g.jsonl"
    path.write_text(
        json.dumps(
            {"id": "x", "question": "q?", "site": "nowhere", "role": "operator",
             "answerable": False, "relevant": [], "must_include": [], "notes": ""}
        ),
        encoding="utf-8",
    )  # fmt: skip
    [result] = run_golden(plant, load_golden(path))
    assert result.error is not None and "nowhere" in result.error


def test_run_eval_writes_outputs_stores_the_run_and_compares(
    plant: Components, golden_file: Path, tmp_path: Path
) -> None:
    options = EvalOptions(
        golden=golden_file,
        out_dir=tmp_path / "out1",
        ragas=False,
        thresholds=_thresholds(tmp_path, '[min]\n"hit@5" = 0.5\n[max]\nleaks = 0\n'),
    )
    first = run_eval(plant, options)
    files = {p.name for p in (tmp_path / "out1").iterdir()}
    assert {"metrics.json", "report.md", "hit5_by_slice.png", "latency.png", "cases.jsonl"} <= files
    data = json.loads((tmp_path / "out1" / "metrics.json").read_text(encoding="utf-8"))
    assert set(PUBLIC_METRICS) <= set(data["metrics"])
    assert data["gate"]["passed"] is True and data["compare"] is None
    assert set(data["slices"]) == {"site", "role", "doc_type"}
    report = (tmp_path / "out1" / "report.md").read_text(encoding="utf-8")
    assert (
        "## Gate: PASSED" in report and "### By site" in report and "Missed abstentions" in report
    )
    stored = get_run(plant.db, first.run.run_id)
    assert stored.passed and stored.golden_sha256 == first.run.golden_sha256
    assert stored.metrics["hit@5"] == data["metrics"]["hit@5"]

    second = run_eval(plant, options.model_copy(update={"out_dir": tmp_path / "out2"}))
    assert second.compare is not None and second.compare.run_id == first.run.run_id
    assert second.compare.deltas["hit@5"] == 0
    assert [r.id for r in list_runs(plant.db)] == [second.run.run_id, first.run.run_id]
    third = run_eval(
        plant, options.model_copy(update={"compare": first.run.run_id, "out_dir": None})
    )
    assert third.compare is not None and third.compare.run_id == first.run.run_id
    assert third.out_dir == plant.settings.home / "eval" / third.run.run_id


def test_unknown_compare_run_fails_before_running(plant: Components, golden_file: Path) -> None:
    with pytest.raises(NotFoundError):
        run_eval(plant, EvalOptions(golden=golden_file, compare="nope", ragas=False))


def test_gate_checks_min_and_max_and_fails_on_missing_values(tmp_path: Path) -> None:
    thresholds = load_thresholds(
        _thresholds(tmp_path, '[min]\n"hit@5" = 0.9\nrecall = 0.5\n[max]\nleaks = 0\n')
    )
    result = check_gate({"hit@5": 0.95, "leaks": 1, "recall": None}, thresholds)
    assert not result.passed
    assert {c.metric for c in result.failed} == {"leaks", "recall"}
    assert check_gate({"hit@5": 0.9, "leaks": 0, "recall": 0.5}, thresholds).passed
    assert check_gate({}, Thresholds()).passed


def test_shipped_thresholds_are_the_agreed_ones() -> None:
    """Changing the gate is a reviewed act: 2026-12-06 it moved from the tuned golden set to the
    blind test9, with answer checks at test9's first look, raised the same day to one question
    under the support change's figures (eval/thresholds.toml says why)."""
    t = load_thresholds()
    assert t.min == {
        "hit@5": 0.9,
        "citation_precision": 0.85,
        "abstention_accuracy": 0.825,
        "first_citation_doc": 0.75,
    }
    assert t.max == {"leaks": 0}
