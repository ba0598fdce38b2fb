"""Golden and blind question sets on two indexes (with and without the haystack), compared.

Each set runs through the project's own harness as a fresh CLI process
(``plant-copilot eval --golden FILE --json --no-ragas --out DIR``). The comparison takes
``hit@5`` and ``first_citation_doc`` from each run's ``metrics.json`` and, per question, reads
``cases.jsonl`` to list the answerable questions that lost the right document from the top 5 or
from the first citation, with the documents that outranked it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from bench.scale_corpus.procs import REPO, cli, run_measured

METRICS = ("hit@5", "first_citation_doc", "mrr@10", "abstention_accuracy", "leaks")


def run_set(home: Path, name: str, out: Path, env: dict[str, str]) -> dict[str, Any]:
    """Run one set on ``home``; returns its metrics and per-question outcome."""
    golden = REPO / "eval" / "golden" / f"{name}.jsonl"
    run_dir = out / name
    out.mkdir(parents=True, exist_ok=True)
    args = cli("eval", "--golden", str(golden), "--json", "--no-ragas", "--out", str(run_dir))
    done = run_measured(args, {**env, "PLANT_COPILOT_HOME": str(home)}, out / "eval.stderr.log")
    if not (run_dir / "metrics.json").exists():
        raise RuntimeError(f"eval {name} on {home} failed (exit {done.returncode})")
    metrics = json.loads((run_dir / "metrics.json").read_text())["metrics"]
    return {
        "metrics": {m: metrics.get(m) for m in METRICS},
        "cases": _cases(run_dir / "cases.jsonl"),
        "wall_s": done.wall_s,
    }


def _cases(path: Path) -> dict[str, dict[str, Any]]:
    out = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        rec = json.loads(line)
        case = rec["case"]
        if not case.get("answerable"):
            continue
        relevant = {r["doc_id"] for r in case["relevant"]}
        hits = [h["doc_id"] for h in rec["hits"]]
        cited = [c["doc_id"] for c in rec["citations"]]
        out[case["id"]] = {
            "question": case["question"],
            "relevant": sorted(relevant),
            "top5": hits[:5],
            "hit5": bool(relevant & set(hits[:5])),
            "first_cited": cited[0] if cited and not rec["abstained"] else None,
            "first_ok": bool(cited) and not rec["abstained"] and cited[0] in relevant,
            "abstained": rec["abstained"],
        }
    return out


def compare(haystack: dict[str, Any], alone: dict[str, Any]) -> dict[str, Any]:
    """Metric deltas (haystack minus alone) and the questions that got worse, with causes."""
    deltas = {
        m: round(haystack["metrics"][m] - alone["metrics"][m], 4)
        for m in METRICS
        if isinstance(haystack["metrics"].get(m), int | float)
        and isinstance(alone["metrics"].get(m), int | float)
    }
    worse = []
    for qid, base in alone["cases"].items():
        now = haystack["cases"].get(qid)
        if now is None:
            continue
        lost_hit = base["hit5"] and not now["hit5"]
        lost_first = base["first_ok"] and not now["first_ok"]
        if lost_hit or lost_first:
            outranked = [d for d in now["top5"] if d not in now["relevant"]]
            worse.append(
                {
                    "id": qid,
                    "question": now["question"],
                    "relevant": now["relevant"],
                    "lost": [
                        k for k, v in (("hit@5", lost_hit), ("first_citation", lost_first)) if v
                    ],
                    "top5_haystack": now["top5"],
                    "top5_alone": base["top5"],
                    "first_cited_haystack": now["first_cited"],
                    "abstained_haystack": now["abstained"],
                    "outranked_by": outranked,
                }
            )
    better = sum(
        1
        for qid, base in alone["cases"].items()
        if qid in haystack["cases"]
        and (not base["first_ok"] and haystack["cases"][qid]["first_ok"])
    )
    return {"deltas": deltas, "worse": worse, "first_citation_gained": better}
