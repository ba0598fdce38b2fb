"""The golden loader: typed cases, errors naming the line, and the probe hidden facts."""

from __future__ import annotations

import importlib.util
import json
import sys
from collections import Counter
from pathlib import Path

import pytest

from eval.golden_set import CaseKind, GoldenFormatError, load_golden, probe_facts_path
from tests.conftest import REPO

pytestmark = pytest.mark.unit

SAMPLE = REPO / "eval" / "golden" / "sample.jsonl"


def _line(**fields: object) -> str:
    record: dict[str, object] = {
        "id": "x1",
        "question": "What torque?",
        "site": "brookfield",
        "role": "operator",
        "answerable": True,
        "relevant": [{"doc_id": "BRK-SOP-1", "section": "Torque"}],
        "must_include": ["45 Nm"],
        "notes": "",
    }
    record.update(fields)
    return json.dumps(record)


def test_sample_loads_with_its_documented_mix() -> None:
    cases = load_golden(SAMPLE)
    assert len(cases) == 140
    assert Counter(c.kind for c in cases) == {
        CaseKind.ANSWERABLE: 105,
        CaseKind.UNANSWERABLE: 17,
        CaseKind.PROBE: 18,
    }
    probes = [c for c in cases if c.kind is CaseKind.PROBE]
    assert all(c.hidden_facts and c.probe_doc_ids for c in probes)
    assert cases[7].relevant[1].page == 2


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("{not json", "not valid JSON"),
        (_line(role="boss"), "unknown role"),
        (_line(site="Brook field"), "invalid site id"),
        (_line(relevant=[]), "answerable case needs"),
        (_line(answerable=False), "unanswerable case has no relevant"),
        (_line(relevant=[{"doc_id": "A", "page": 0}]), "relevant.0.page"),
        (_line(colour="red"), "colour"),
    ],
)
def test_errors_name_the_file_and_line(tmp_path: Path, line: str, message: str) -> None:
    path = tmp_path / "g.jsonl"
    path.write_text(_line(id="ok") + "\n\n" + line + "\n", encoding="utf-8")
    with pytest.raises(GoldenFormatError) as err:
        load_golden(path)
    assert f"{path}:3:" in str(err.value)
    assert message in str(err.value)


def test_duplicate_ids_and_unknown_fact_ids_are_errors(tmp_path: Path) -> None:
    path = tmp_path / "g.jsonl"
    path.write_text(_line() + "\n" + _line() + "\n", encoding="utf-8")
    with pytest.raises(GoldenFormatError, match=r":2: duplicate id 'x1' \(first on line 1\)"):
        load_golden(path)
    path.write_text(_line() + "\n", encoding="utf-8")
    probe_facts_path(path).write_text(json.dumps({"zz": ["a"]}), encoding="utf-8")
    with pytest.raises(GoldenFormatError, match="unknown case ids"):
        load_golden(path)


def test_missing_or_empty_files_are_usage_errors(tmp_path: Path) -> None:
    with pytest.raises(GoldenFormatError, match="cannot read"):
        load_golden(tmp_path / "missing.jsonl")
    (tmp_path / "empty.jsonl").write_text("\n", encoding="utf-8")
    with pytest.raises(GoldenFormatError, match="no cases"):
        load_golden(tmp_path / "empty.jsonl")


def _checker() -> object:
    path = REPO / "eval" / "golden" / "check_golden.py"
    spec = importlib.util.spec_from_file_location("check_golden", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("check_golden", module)
    spec.loader.exec_module(module)
    return module


def test_hidden_facts_are_only_in_the_out_of_scope_documents() -> None:
    """Each hidden fact occurs in a probe document and in no document the asker may read, so
    finding it in an answer can only mean a leak."""
    cg: object = _checker()
    docs = cg.corpus.scan_documents()  # type: ignore[attr-defined]
    by_id: dict[str, list[dict[str, object]]] = {}
    for d in docs:
        by_id.setdefault(str(d["doc_id"]), []).append(d)
    current = {k: max(v, key=cg._rev_key) for k, v in by_id.items()}  # type: ignore[attr-defined]

    def text(d: dict[str, object]) -> str:
        info = cg.load(cg.SD / str(d["path"]))  # type: ignore[attr-defined]
        return " ".join(str(info["secs"]["__all__"]).casefold().split())

    texts = {k: text(d) for k, d in current.items()}
    for case in load_golden(SAMPLE):
        for fact in case.hidden_facts:
            f = " ".join(fact.casefold().split())
            assert any(f in texts[i] for i in case.probe_doc_ids if i in texts), (case.id, fact)
            readable = [
                k
                for k, d in current.items()
                if d["site"] in (case.site, "all") and case.role.value in d["audience_eff"]  # type: ignore[operator]
            ]
            assert not [k for k in readable if f in texts[k]], (case.id, fact)
