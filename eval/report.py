"""The outputs of a golden run: ``metrics.json``, ``report.md``, charts and ``cases.jsonl``.

``metrics.json`` is a public contract: a top-level ``metrics`` object with at least ``hit@5``,
``mrr@10``, ``ndcg@10``, ``leaks``, ``abstention_accuracy`` and ``citation_precision``; keys may
be added, never renamed. ``plant-copilot eval --json`` prints the same object.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from eval.charts import hit5_by_slice, latency_histogram
from eval.failures import Failure
from eval.metrics import MetricValue
from eval.records import CaseResult
from eval.run import EvalRun

PUBLIC_METRICS = (
    "hit@5",
    "mrr@10",
    "ndcg@10",
    "leaks",
    "abstention_accuracy",
    "citation_precision",
)
"""Keys every ``metrics`` object has (tested key for key)."""

OVERALL_ROWS = (
    *("hit@1", "hit@3", "hit@5", "mrr@10", "ndcg@10", "recall@10"),
    *("section_hit@1", "section_hit@5", "section_mrr@10", "section_ndcg@10", "section_recall@10"),
    *("citation_precision", "abstention_precision", "abstention_recall", "abstention_accuracy"),
    *("key_fact_presence", "leaks", "leak_questions", "errors"),
    *("search_p50_ms", "search_p95_ms", "ask_p50_ms", "ask_p95_ms"),
)
SLICE_COLUMNS = (
    *("questions", "hit@5", "mrr@10", "ndcg@10", "section_hit@5", "citation_precision"),
    *("abstention_accuracy", "key_fact_presence", "leaks"),
)
FAILURE_TITLES = {
    "wrong_first_citation": "Wrong first citation (answered, first source not relevant)",
    "missed_abstentions": "Missed abstentions (unanswerable or probe, answered anyway)",
    "false_abstentions": "False abstentions (answerable, abstained)",
    "leaks": "Leaks (out-of-scope source or hidden fact)",
    "retrieval_misses": "Retrieval misses (no relevant document in the top 5)",
    "errors": "Errors",
}


class Comparison(BaseModel):
    """Deltas of this run against an earlier one."""

    run_id: str
    deltas: dict[str, float]


def metrics_json(run: EvalRun, compare: Comparison | None) -> dict[str, Any]:
    """The JSON document of a run (see the module docstring)."""
    data = run.model_dump(mode="json")
    data["compare"] = compare.model_dump() if compare else None
    return data


def _fmt(value: MetricValue | float) -> str:
    if value is None:
        return "–"
    if isinstance(value, int):
        return str(value)
    return f"{value:.4f}".rstrip("0").rstrip(".") if abs(value) < 100 else f"{value:.0f}"


def _delta(compare: Comparison | None, name: str) -> str:
    if compare is None or name not in compare.deltas:
        return ""
    d = compare.deltas[name]
    return "0" if d == 0 else f"{d:+.4f}".rstrip("0").rstrip(".")


def _overall(run: EvalRun, compare: Comparison | None) -> list[str]:
    head = "| metric | value |" + (f" Δ vs {compare.run_id} |" if compare else "")
    lines = [head, "|---|---|" + ("---|" if compare else "")]
    names = [*OVERALL_ROWS, *(k for k in run.metrics if k.startswith("ragas_"))]
    for name in names:
        if name in run.metrics:
            row = f"| {name} | {_fmt(run.metrics[name])} |"
            lines.append(row + (f" {_delta(compare, name)} |" if compare else ""))
    return lines


def _slices(run: EvalRun) -> list[str]:
    lines: list[str] = []
    for name, groups in run.slices.items():
        lines += [f"### By {name}", "", f"| {name} | " + " | ".join(SLICE_COLUMNS) + " |"]
        lines.append("|---" * (len(SLICE_COLUMNS) + 1) + "|")
        for value, metrics in groups.items():
            cells = " | ".join(_fmt(metrics.get(c)) for c in SLICE_COLUMNS)
            lines.append(f"| {value} | {cells} |")
        lines.append("")
    return lines


def _failure_lines(items: Sequence[Failure]) -> list[str]:
    if not items:
        return ["None.", ""]
    out = [f"- **{f.id}** ({f.site}/{f.role}) {f.question} — {f.detail}" for f in items]
    return [*out, ""]


def render_report(run: EvalRun, compare: Comparison | None, charts: Sequence[str]) -> str:
    """The Markdown report: gate, overall metrics, slices, failures, charts."""
    verdict = "PASSED" if run.gate.passed else "FAILED"
    lines = [
        f"# Golden evaluation {run.run_id}",
        "",
        f"- golden: `{run.golden_file}` (sha256 `{run.golden_sha256[:16]}`), "
        f"{run.metrics.get('questions')} questions",
        f"- commit: `{run.git_commit or 'unknown'}`; created {run.created_at.isoformat()}",
        f"- params: {', '.join(f'{k}={v}' for k, v in run.params.items())}",
        "",
        f"## Gate: {verdict}",
        "",
        "| metric | threshold | value | result |",
        "|---|---|---|---|",
    ]
    for c in run.gate.checks:
        ok = "pass" if c.passed else "**FAIL**"
        lines.append(f"| {c.metric} | {c.op} {_fmt(c.threshold)} | {_fmt(c.value)} | {ok} |")
    lines += ["", "## Overall", "", *_overall(run, compare), "", "## By slice", ""]
    lines += _slices(run)
    lines += ["## Failures", ""]
    for key, title in FAILURE_TITLES.items():
        items: list[Failure] = getattr(run.failures, key)
        lines += [f"### {title}: {len(items)}", "", *_failure_lines(items)]
    lines += ["## Charts", "", *(f"![{c}]({c})" for c in charts), ""]
    return "\n".join(lines)


def write_outputs(
    run: EvalRun, results: Sequence[CaseResult], out_dir: Path, compare: Comparison | None
) -> dict[str, Any]:
    """Write every output file into ``out_dir``; returns the metrics JSON document."""
    out_dir.mkdir(parents=True, exist_ok=True)
    charts = [
        hit5_by_slice(run.slices, out_dir / "hit5_by_slice.png").name,
        latency_histogram(results, out_dir / "latency.png").name,
    ]
    data = metrics_json(run, compare)
    (out_dir / "metrics.json").write_text(json.dumps(data, indent=2), encoding="utf-8")
    (out_dir / "report.md").write_text(render_report(run, compare, charts), encoding="utf-8")
    with (out_dir / "cases.jsonl").open("w", encoding="utf-8") as handle:
        for r in results:
            handle.write(r.model_dump_json(exclude={"hits": {"__all__": {"text"}}}) + "\n")
    return data
