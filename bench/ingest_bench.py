"""Ingestion benchmark: pipeline throughput against the embedding model's own ceiling.

Usage:  .venv/bin/python bench/ingest_bench.py [--docs sample_docs] [--warm] [--json]

Prints docs/s and chunks/s of an ingest into an empty index (real MiniLM, real Chroma, SQLite;
the model is loaded before timing; with --warm the parsers' one-time imports too, in this
process: the parse worker the pipeline spawns imports them again inside the timed run, which
is pdfminer and, for DOCX only, unstructured and spaCy), the raw encode throughput of the model
on the very same chunk texts (the ceiling), their ratio, peak RSS (this process, and the parse
worker), the parse worker's CPU seconds (taken from the model's 2 cores), and the wall time of
a no-op re-ingest run as a fresh CLI process (what an admin waits for).
Targets: ratio >= 0.8; no-op re-index of sample_docs < 3 s with 0 embeddings.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from core.settings import Settings, load_settings  # noqa: E402
from services.wiring import build  # noqa: E402


def peak_rss_mb(who: int = resource.RUSAGE_SELF) -> float:
    """Peak resident set size of this process, or of its largest ended child (KiB on Linux)."""
    return resource.getrusage(who).ru_maxrss / 1024


def warm_parsers(corpus: Path) -> None:
    """Parse one file of each type so one-time library imports and model loads are paid."""
    from ingestion.parsing import parse_file

    seen: set[str] = set()
    for path in sorted(corpus.rglob("*")):
        if path.is_file() and path.suffix not in seen and not path.name.endswith(".yaml"):
            seen.add(path.suffix)
            try:
                parse_file(path, 10**9)
            except Exception:  # warming only: a failing file is measured later
                continue


def cold_ingest(settings: Settings, corpus: Path) -> dict[str, float]:
    """Ingest into an empty index with the model already loaded; returns timings and counts."""
    components = build(settings)
    embedder = components.embedder()
    embedder.embed_documents(["warm-up"])
    started = time.perf_counter()
    report = components.ingestor().ingest(corpus)
    elapsed = time.perf_counter() - started
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    worker_cpu = children.ru_utime + children.ru_stime  # CPU the parse worker took from the model
    if report.failures:
        raise SystemExit(f"ingest failed: {report.failures}")
    texts = sorted(
        {
            c.text
            for key in components.index.version_states()
            for c in components.index.chunks_of_version(key)
        }
    )
    started = time.perf_counter()
    embedder.embed_documents(texts)
    encode = time.perf_counter() - started
    docs = report.documents.added + report.documents.superseded + report.documents.updated
    return {
        "documents": docs,
        "chunks_embedded": report.chunks.embedded,
        "pipeline_s": elapsed,
        "docs_per_s": docs / elapsed,
        "chunks_per_s": report.chunks.embedded / elapsed,
        "ceiling_chunks": len(texts),
        "ceiling_s": encode,
        "ceiling_chunks_per_s": len(texts) / encode,
        "peak_rss_mb": peak_rss_mb(),
        "worker_peak_rss_mb": peak_rss_mb(resource.RUSAGE_CHILDREN),  # the parse worker
        "worker_cpu_s": worker_cpu,
    }


def noop_reingest(home: Path, corpus: Path) -> dict[str, float]:
    """Run ``plant-copilot ingest`` again as a new process: wall time and embeddings."""
    env = {**os.environ, "PLANT_COPILOT_HOME": str(home)}
    started = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-m", "app.cli.main", "ingest", str(corpus), "--json"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    wall = time.perf_counter() - started
    report = json.loads(out.stdout)
    return {
        "noop_wall_s": wall,
        "noop_embedded": report["chunks"]["embedded"],
        "noop_in_process_s": report["elapsed_s"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=Path, default=REPO / "sample_docs")
    parser.add_argument("--json", action="store_true")
    parser.add_argument(
        "--warm",
        action="store_true",
        help="pay parser imports before timing (steady-state throughput, not first-run)",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "docs"
        shutil.copytree(args.docs, corpus)
        settings = load_settings(home=Path(tmp) / "home")
        if args.warm:
            warm_parsers(corpus)
        figures = cold_ingest(settings, corpus)
        figures.update(noop_reingest(settings.home, corpus))
    figures["ratio"] = figures["chunks_per_s"] / figures["ceiling_chunks_per_s"]
    if args.json:
        print(json.dumps({k: round(v, 3) for k, v in figures.items()}, indent=2))
        return
    rows = [
        ("documents indexed", f"{figures['documents']:.0f}"),
        ("chunks embedded", f"{figures['chunks_embedded']:.0f}"),
        ("pipeline wall time", f"{figures['pipeline_s']:.1f} s"),
        ("pipeline docs/s", f"{figures['docs_per_s']:.2f}"),
        ("pipeline chunks/s", f"{figures['chunks_per_s']:.1f}"),
        ("model ceiling chunks/s", f"{figures['ceiling_chunks_per_s']:.1f}"),
        ("pipeline / ceiling", f"{figures['ratio']:.2f}  (target >= 0.80)"),
        ("peak RSS", f"{figures['peak_rss_mb']:.0f} MB"),
        ("parse worker peak RSS", f"{figures['worker_peak_rss_mb']:.0f} MB"),
        ("parse worker CPU", f"{figures['worker_cpu_s']:.1f} s"),
        (
            "no-op re-ingest (new process)",
            f"{figures['noop_wall_s']:.2f} s, "
            f"{figures['noop_embedded']:.0f} embedded  (target < 3 s, 0)",
        ),
        ("no-op re-ingest (in process)", f"{figures['noop_in_process_s']:.2f} s"),
    ]
    width = max(len(r[0]) for r in rows)
    for name, value in rows:
        print(f"{name:<{width}}  {value}")


if __name__ == "__main__":
    main()
