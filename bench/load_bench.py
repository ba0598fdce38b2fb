"""Load benchmark: answers per second and latency of ``services.ask`` under 1, 5 and 20
concurrent clients, embedded (SQLite + on-disk Chroma) and server mode (PostgreSQL + Chroma
over HTTP).

Usage:  .venv/bin/python bench/load_bench.py [--embedder minilm|onnx|hashing] [--clients 1,5,20]
                                             [--seconds 20] [--modes embedded,server]
                                             [--processes 1,2] [--json]

For server mode it starts its own throwaway PostgreSQL and ``chroma run`` on free loopback
ports (``tests/server_procs.py``, the same helpers as the test suite) and removes them after.
sample_docs is indexed once per mode (real MiniLM by default; ``--embedder hashing`` for a quick
run), every golden-set question (``eval/golden/sample.jsonl``: 140 questions across sites and
roles, a quarter unanswerable) is asked once to warm up, then each client (a thread) asks them
in turn, starting at a different question, for ``--seconds`` per cell. Every ask is a full
``services.ask``: scope check, hybrid retrieval, answer, interaction stored. With
``--processes 2`` a cell's clients are spread over two worker processes (two app instances on
the same stores, like two streamlit processes): answering is CPU-bound Python, so one process
tops out at one core whatever its number of threads.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import shutil
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from core.settings import (  # noqa: E402
    ChromaSettings,
    EmbeddingSettings,
    Settings,
    apply_offline_env,
)
from services.ask import ask  # noqa: E402
from services.wiring import Components, build  # noqa: E402
from tests.server_procs import ChromaServer, PostgresServer  # noqa: E402

GOLDEN = REPO / "eval" / "golden" / "sample.jsonl"


@dataclass(frozen=True)
class Question:
    text: str
    site: str
    role: str


@dataclass
class Cell:
    """One measured cell of the table."""

    mode: str
    processes: int
    clients: int
    answers: int
    errors: int
    seconds: float
    answers_per_s: float
    p50_ms: float
    p95_ms: float
    max_ms: float


def questions() -> list[Question]:
    rows = [json.loads(line) for line in GOLDEN.read_text(encoding="utf-8").splitlines() if line]
    return [Question(r["question"], r["site"], r["role"]) for r in rows]


@contextmanager
def backend(mode: str, root: Path, embedder: str) -> Iterator[Settings]:
    """Settings of an empty backend; server mode starts (and then removes) its servers."""
    base = {"home": root / mode / "home", "embedding": EmbeddingSettings(backend=embedder)}  # type: ignore[arg-type]
    if mode == "embedded":
        yield Settings(_env_file=None, **base)  # type: ignore[call-arg, arg-type]
        return
    pg = PostgresServer().start()
    chroma = ChromaServer(root / mode / "chroma").start()
    try:
        chroma_settings = ChromaSettings(mode="server", port=chroma.port, collection="bench")
        yield Settings(
            _env_file=None,  # type: ignore[call-arg]
            database_url=pg.create_database("bench"),
            chroma=chroma_settings,
            **base,  # type: ignore[arg-type]
        )
    finally:
        chroma.stop(kill=True)
        pg.cleanup()


def index(settings: Settings, corpus: Path) -> float:
    """Ingest sample_docs; returns seconds."""
    started = time.perf_counter()
    components = build(settings)
    report = components.ingestor().ingest(corpus)
    if report.failures:
        raise SystemExit(f"ingest failed: {report.failures}")
    components.db.dispose()
    return time.perf_counter() - started


def warm_up(app: Components, workload: list[Question]) -> None:
    """Load the model, the keyword snapshot and the answerer; touch the given questions."""
    for q in workload:
        ask(app, q.text, q.site, q.role, user="bench-warm-up")


def client(
    app: Components, workload: list[Question], start: int, until: float, out: list[float]
) -> None:
    """Ask questions in turn until the deadline; latencies (s) appended, errors as -1."""
    i = start
    while time.monotonic() < until:
        q = workload[i % len(workload)]
        i += 1
        began = time.perf_counter()
        try:
            ask(app, q.text, q.site, q.role, user="bench")
        except Exception as exc:  # counted, and the first few shown
            out.append(-1.0)
            if out.count(-1.0) <= 3:
                print(f"  error: {type(exc).__name__}: {exc}", file=sys.stderr)
            continue
        out.append(time.perf_counter() - began)


def run_threads(
    app: Components, workload: list[Question], clients: range, total: int, seconds: float
) -> list[float]:
    """Clients ``clients`` (of ``total``) as threads on one app instance; all latencies."""
    results: list[list[float]] = [[] for _ in clients]
    until = time.monotonic() + seconds
    threads = [
        threading.Thread(
            target=client, args=(app, workload, n * len(workload) // total, until, results[i])
        )
        for i, n in enumerate(clients)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return [x for r in results for x in r]


def _worker(
    settings: dict[str, Any], clients: range, total: int, seconds: float, sync: Any, out: Any
) -> None:
    """A worker process: its own app instance, warmed up, then its share of the clients."""
    apply_offline_env()
    app = build(Settings(_env_file=None, **settings))  # type: ignore[call-arg]
    workload = questions()
    warm_up(app, workload[:: max(len(workload) // 10, 1)])
    sync.wait()
    out.put(run_threads(app, workload, clients, total, seconds))
    app.db.dispose()


def run_processes(
    settings: Settings, clients: int, processes: int, seconds: float
) -> tuple[list[float], float]:
    """Clients spread over ``processes`` spawned app instances, measured together from the
    moment all are warm; returns latencies and the measured wall time."""
    ctx = multiprocessing.get_context("spawn")
    sync, out = ctx.Barrier(processes + 1), ctx.Queue()
    data = settings.model_dump(mode="json")
    procs = [
        ctx.Process(
            target=_worker,
            args=(data, range(p, clients, processes), clients, seconds, sync, out),
        )
        for p in range(processes)
    ]
    for proc in procs:
        proc.start()
    sync.wait()
    started = time.perf_counter()
    latencies = [x for _ in procs for x in out.get()]
    elapsed = time.perf_counter() - started
    for proc in procs:
        proc.join()
    return latencies, elapsed


def cell(mode: str, processes: int, clients: int, latencies: list[float], elapsed: float) -> Cell:
    ok = sorted(x * 1000 for x in latencies if x >= 0)
    p95 = ok[min(len(ok) - 1, int(0.95 * len(ok)))] if ok else 0.0
    return Cell(
        mode=mode,
        processes=processes,
        clients=clients,
        answers=len(ok),
        errors=sum(x < 0 for x in latencies),
        seconds=round(elapsed, 1),
        answers_per_s=round(len(ok) / elapsed, 2),
        p50_ms=round(statistics.median(ok), 1) if ok else 0.0,
        p95_ms=round(p95, 1),
        max_ms=round(ok[-1], 1) if ok else 0.0,
    )


def run_mode(mode: str, args: argparse.Namespace, root: Path, corpus: Path) -> list[Cell]:
    workload = questions()
    cells = []
    with backend(mode, root, args.embedder) as settings:
        print(f"[{mode}] indexing sample_docs ({args.embedder}) ...", file=sys.stderr)
        seconds = index(settings, corpus)
        print(f"[{mode}] indexed in {seconds:.0f} s; warming up", file=sys.stderr)
        app = build(settings)
        warm_up(app, workload)
        for processes in args.processes:
            for clients in args.clients:
                if clients < processes:
                    continue
                if processes == 1:
                    started = time.perf_counter()
                    latencies = run_threads(app, workload, range(clients), clients, args.seconds)
                    elapsed = time.perf_counter() - started
                else:
                    latencies, elapsed = run_processes(settings, clients, processes, args.seconds)
                result = cell(mode, processes, clients, latencies, elapsed)
                print(f"[{mode}] {result}", file=sys.stderr)
                cells.append(result)
        app.db.dispose()
    return cells


def table(cells: list[Cell]) -> str:
    lines = [
        "| mode | processes | clients | answers | answers/s | p50 ms | p95 ms | max ms | errors |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for c in cells:
        lines.append(
            f"| {c.mode} | {c.processes} | {c.clients} | {c.answers} | {c.answers_per_s:.2f} | {c.p50_ms:.0f} "
            f"| {c.p95_ms:.0f} | {c.max_ms:.0f} | {c.errors} |"
        )
    return "\n".join(lines)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--embedder", choices=["minilm", "onnx", "hashing"], default="minilm")
    parser.add_argument(
        "--clients", type=lambda s: [int(x) for x in s.split(",")], default=[1, 5, 20]
    )
    parser.add_argument("--seconds", type=float, default=20.0, help="Duration of each cell")
    parser.add_argument("--modes", type=lambda s: s.split(","), default=["embedded", "server"])
    parser.add_argument(
        "--processes",
        type=lambda s: [int(x) for x in s.split(",")],
        default=[1],
        help="App processes per cell, e.g. 1,2 (clients are spread over them)",
    )
    parser.add_argument("--json", action="store_true", help="Print JSON instead of a table")
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    apply_offline_env()
    load_before = os.getloadavg()[0]
    root = Path(tempfile.mkdtemp(prefix="plant-load-bench-"))
    try:
        corpus = root / "docs"
        shutil.copytree(REPO / "sample_docs", corpus)
        cells = [cell for mode in args.modes for cell in run_mode(mode, args, root, corpus)]
    finally:
        shutil.rmtree(root, ignore_errors=True)
    if args.json:
        print(json.dumps([asdict(c) for c in cells], indent=2))
    else:
        print(
            f"embedder: {args.embedder}; {args.seconds:.0f} s per cell; {os.cpu_count()} CPUs;"
            f" load average {load_before:.1f} before, {os.getloadavg()[0]:.1f} after;"
            " ask = retrieve + answer + store"
        )
        print(table(cells))


if __name__ == "__main__":
    main()
