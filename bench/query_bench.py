"""Search and ask latency on sample_docs, with the real model, real Chroma and SQLite.

Usage:  .venv/bin/python bench/query_bench.py [--home DIR] [--rounds 3] [--json]

Indexes sample_docs into a fresh home (or reuses --home if it is already indexed), then asks every
golden-set question (eval/golden/sample.jsonl) ``--rounds`` times through the same services the
CLI and UI use, and prints p50/p95 of search and of ask with the reader (each ask is also logged to
SQL, as in production). Target on 2 cores: ask p95 <= 300 ms warm.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from core.settings import load_settings  # noqa: E402
from services.ask import ask  # noqa: E402
from services.search import search  # noqa: E402
from services.wiring import Components, build  # noqa: E402


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * len(ordered)) - 1))]


def indexed_components(home: Path) -> Components:
    """Components over ``home``, indexing a copy of sample_docs when it is empty."""
    components = build(load_settings(home=home))
    if not (home / "docs").exists():
        shutil.copytree(REPO / "sample_docs", home / "docs")
        report = components.ingestor().ingest(home / "docs")
        if report.failures:
            raise SystemExit(f"ingest failed: {report.failures}")
    return components


def measure(components: Components, rounds: int) -> dict[str, list[float]]:
    """Milliseconds per search and per ask over the golden questions."""
    cases = [
        json.loads(line)
        for line in (REPO / "eval" / "golden" / "sample.jsonl").read_text().splitlines()
        if line.strip()
    ]
    first = cases[0]
    search(components, first["question"], first["site"], first["role"])  # load model, snapshot
    times: dict[str, list[float]] = {"search": [], "ask": []}
    for _ in range(rounds):
        for case in cases:
            started = time.perf_counter()
            search(components, case["question"], case["site"], case["role"])
            times["search"].append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            ask(components, case["question"], case["site"], case["role"], user="bench")
            times["ask"].append((time.perf_counter() - started) * 1000)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        components = indexed_components(args.home or Path(tmp))
        times = measure(components, args.rounds)
    figures = {
        f"{name}_{stat}_ms": round(value, 1)
        for name, values in times.items()
        for stat, value in (
            ("p50", statistics.median(values)),
            ("p95", percentile(values, 0.95)),
            ("max", max(values)),
        )
    }
    figures["calls_each"] = len(times["ask"])
    if args.json:
        print(json.dumps(figures, indent=2))
        return
    print(
        f"{'':8}{'p50 ms':>10}{'p95 ms':>10}{'max ms':>10}   ({figures['calls_each']} calls each)"
    )
    for name in ("search", "ask"):
        row = [figures[f"{name}_{s}_ms"] for s in ("p50", "p95", "max")]
        print(f"{name:8}" + "".join(f"{v:>10.1f}" for v in row))


if __name__ == "__main__":
    main()
