"""Peak memory of ingesting a tree of long PDF manuals: main process and parse worker.

Usage:  .venv/bin/python bench/ingest_memory.py [--manuals 6] [--pages 400] [--json]

Builds ``--manuals`` copies of the long synthetic manual (``tests/unit/ingestion/long_manual.py``,
laid out like the sample manuals) under ``<tmp>/plant/manual/``, runs ``plant-copilot ingest``
on it as a new process with the hashing embedder (so the figures are the parser's and the
pipeline's, not the model's), samples the resident set size of the CLI process and its children
every 0.1 s (psutil), and prints the peaks, the wall time and the chunk count.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.unit.ingestion.long_manual import build_long_manual  # noqa: E402

MB = 2**20


def _sample(pid: int) -> tuple[int, int]:
    """(RSS of ``pid``, largest RSS among its children), in bytes."""
    import psutil

    process = psutil.Process(pid)
    main = process.memory_info().rss
    children = [c.memory_info().rss for c in process.children(recursive=True)]
    return main, max(children, default=0)


def measure(tree: Path, home: Path) -> dict[str, float]:
    """Run the ingest and watch its memory until it exits."""
    import psutil

    env = {
        **os.environ,
        "PLANT_COPILOT_HOME": str(home),
        "PLANT_COPILOT_EMBEDDING__BACKEND": "hashing",
    }
    command = [sys.executable, "-m", "app.cli.main", "ingest", str(tree), "--json"]
    started = time.perf_counter()
    proc = subprocess.Popen(
        command, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
    )
    peak_main = peak_worker = peak_sum = 0
    while proc.poll() is None:
        try:
            main, worker = _sample(proc.pid)
        except psutil.Error:
            continue
        peak_main, peak_worker = max(peak_main, main), max(peak_worker, worker)
        peak_sum = max(peak_sum, main + worker)
        time.sleep(0.1)
    assert proc.stdout is not None
    report = json.loads(proc.stdout.read())
    return {
        "documents": report["documents"]["added"],
        "chunks": report["chunks"]["embedded"],
        "wall_s": round(time.perf_counter() - started, 1),
        "peak_main_mb": round(peak_main / MB),
        "peak_worker_mb": round(peak_worker / MB),
        "peak_sum_mb": round(peak_sum / MB),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--manuals", type=int, default=6)
    parser.add_argument("--pages", type=int, default=400)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "docs" / "plant" / "manual"
        folder.mkdir(parents=True)
        first = build_long_manual(folder / "manual-1.pdf", args.pages)
        for n in range(2, args.manuals + 1):
            shutil.copy(first, folder / f"manual-{n}.pdf")
        figures = measure(Path(tmp) / "docs", Path(tmp) / "home")
    if args.json:
        print(json.dumps(figures, indent=2))
        return
    for name, value in figures.items():
        print(f"{name:<16} {value}")


if __name__ == "__main__":
    main()
