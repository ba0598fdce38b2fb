"""Search latency benchmark: hybrid search over a synthetic 100k-chunk Chroma index, scoped.

Usage:  .venv/bin/python bench/search_bench.py [--chunks 100000] [--queries 300] [--k 8]
                                               [--home DIR] [--rebuild] [--json]
                                               [--chroma-mode embedded|server] [--no-dense-snapshot]

Builds (once, cached under ``--home``, default ``$TMPDIR/plant-copilot-search-bench-<chunks>``)
a Chroma index of synthetic chunks: 10 sites plus company-wide, four doc types with the default
audiences, 10% of documents with a superseded revision, clustered random 384-dim vectors and
texts drawn from per-topic vocabularies with asset tags and numbered steps; and a SQLite
registry with one row per version. Then times ``HybridRetriever.search_timed`` for random users
(role, site) and topic questions, with the scope filters on: dense (Chroma, one ``$in`` clause),
BM25 (weight mask), fusion, served-version guard, step context. Query vectors are precomputed
so the figures are search latency; ``embed`` of a MiniLM question is measured apart (~10 ms).
Target: p95 <= 150 ms on 2 cores.

Memory: the index is built in a child process, so the peak RSS printed is the serving path's
(registry, Chroma client, keyword and dense snapshots, queries answered); target <= 2 GB at 200k
chunks. ``--chroma-mode server`` serves the same store from ``chroma run --path <home>/chroma``
on a free loopback port (its peak RSS is printed apart: it holds the HNSW index, not the app);
``--no-dense-snapshot`` drops the in-memory vector matrix and times only the Chroma query path,
the configuration for an index whose dense snapshot does not fit in the app's memory.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.synthetic import DIM, SyntheticCorpus  # noqa: E402
from core.db.engine import Database  # noqa: E402
from core.models import AccessScope  # noqa: E402
from core.settings import RetrievalSettings, apply_offline_env  # noqa: E402
from retrieval.adapters.bm25_index import synced_index  # noqa: E402
from retrieval.adapters.chroma_index import ChromaVectorIndex, make_client  # noqa: E402
from retrieval.hybrid import HybridRetriever  # noqa: E402
from tests.server_procs import ChromaServer  # noqa: E402


class LookupEmbedder:
    """Returns the precomputed vector of each benchmark question (no model in the timing)."""

    def __init__(self, vectors: dict[str, np.ndarray]) -> None:
        self._vectors = vectors

    @property
    def model_id(self) -> str:
        return "bench-lookup"

    @property
    def dimension(self) -> int:
        return DIM

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        return np.stack([self._vectors[t] for t in texts])

    def embed_query(self, text: str) -> np.ndarray:
        return self._vectors[text]


def build_stores(home: Path, corpus: SyntheticCorpus, rebuild: bool) -> None:
    """Build the cached index and registry when missing (or when --rebuild)."""
    marker = home / "built.json"
    params = {"chunks": corpus.n_chunks, "seed": corpus.seed, "version": 2}
    if rebuild or not marker.exists() or json.loads(marker.read_text()) != params:
        import shutil

        shutil.rmtree(home, ignore_errors=True)
        home.mkdir(parents=True)
        started = time.perf_counter()
        db, index = _stores(home)
        corpus.write(db, index, progress=lambda msg: print(msg, file=sys.stderr, flush=True))
        marker.write_text(json.dumps(params))
        print(f"built in {time.perf_counter() - started:.0f} s", file=sys.stderr)


def _stores(home: Path, port: int | None = None) -> tuple[Database, ChromaVectorIndex]:
    db = Database(f"sqlite:///{home / 'registry.db'}")
    db.upgrade()
    mode = "server" if port else "embedded"
    client = make_client(mode, home / "chroma", "127.0.0.1", port or 0, None)
    return db, ChromaVectorIndex(client, "bench")


def peak_rss_mb(pid: int | None = None) -> float:
    """Peak RSS of this process, or of ``pid`` (its VmHWM), in MB."""
    if pid is None:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def percentiles(values: list[float]) -> dict[str, float]:
    a = np.array(values) if values else np.zeros(1)
    return {
        "p50": float(np.percentile(a, 50)),
        "p95": float(np.percentile(a, 95)),
        "max": float(a.max()),
    }


def run_queries(
    retriever: HybridRetriever, queries: list[tuple[str, AccessScope]], k: int
) -> dict[str, list[float]]:
    """Time every query; returns per-stage millisecond lists."""
    for question, scope in queries[:10]:  # warm-up: caches, first BM25 load
        retriever.search_timed(question, scope, k)
    stages: dict[str, list[float]] = {}
    hits = 0
    for question, scope in queries:
        result = retriever.search_timed(question, scope, k)
        hits += len(result.hits)
        for name, ms in result.timings_ms.items():
            stages.setdefault(name, []).append(ms)
    stages["hits_per_query"] = [hits / max(len(queries), 1)]
    return stages


def old_filter_dense(
    index: ChromaVectorIndex, queries: list[tuple[np.ndarray, AccessScope]], k: int
) -> list[float]:
    """Dense latency with the previous filter shape ($and of site, role flag, current flag)."""
    times = []
    for vector, scope in queries:
        where = {
            "$and": [
                {"site": {"$in": sorted(scope.readable_sites)}},
                {f"aud_{scope.role.value}": True},
                {"current": True},
            ]
        }
        started = time.perf_counter()
        index._collection.query(query_embeddings=[vector], n_results=k, where=where)
        times.append((time.perf_counter() - started) * 1000)
    return times


def print_tables(tables: dict[str, dict[str, dict[str, float]]], info: dict[str, object]) -> None:
    print(
        f"search latency, {info['chunks']} chunks, {info['queries']} scoped queries, k={info['k']}"
    )
    print(f"cores {os.cpu_count()}, load average {info['load']}, index snapshot {info['snapshot']}")
    print(f"mode {info['mode']}, peak RSS of this serving process {info['peak_rss_mb']} MB")
    if "chroma_server_peak_rss_mb" in info:
        print(f"peak RSS of the Chroma server {info['chroma_server_peak_rss_mb']} MB")
    for label, stats in tables.items():
        print(f"\n{label:<26}{'p50 ms':>10}{'p95 ms':>10}{'max ms':>10}")
        for name, row in stats.items():
            print(f"  {name:<24}{row['p50']:>10.1f}{row['p95']:>10.1f}{row['max']:>10.1f}")
    print(f"\navg hits per query: {info['hits_per_query']:.1f}")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--chunks", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--k", type=int, default=8)
    parser.add_argument("--home", type=Path, default=None)
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--chroma-mode", choices=("embedded", "server"), default="embedded")
    parser.add_argument("--no-dense-snapshot", action="store_true")
    parser.add_argument("--build-only", action="store_true", help=argparse.SUPPRESS)
    return parser.parse_args()


def measure(
    db: Database,
    index: ChromaVectorIndex,
    corpus: SyntheticCorpus,
    home: Path,
    args: argparse.Namespace,
) -> tuple[dict[str, dict[str, dict[str, float]]], dict[str, object]]:
    """Latency tables of the dense paths and run info (snapshot load time, hits per query)."""
    questions = corpus.questions(args.queries)
    embedder = LookupEmbedder({q.text: q.vector for q in questions})
    dense = not args.no_dense_snapshot
    snapshot = synced_index(index, db, home / "bm25", vectors=dense)
    started = time.perf_counter()
    snapshot.snapshot()
    how = "built" if snapshot.rebuilds else "loaded"
    settings = RetrievalSettings(k=args.k, dense_snapshot=dense)
    scoped = [(q.text, AccessScope(role=q.role, sites=frozenset({q.site}))) for q in questions]
    tables: dict[str, dict[str, dict[str, float]]] = {}
    hits_per_query = 0.0
    paths = [("dense snapshot (default)", snapshot)] if dense else []
    for label, cache in [*paths, ("chroma filtered query", None)]:
        retriever = HybridRetriever(
            index, embedder, snapshot, db, settings, locator=snapshot, dense_cache=cache
        )
        stages = run_queries(retriever, scoped, args.k)
        hits_per_query = stages.pop("hits_per_query")[0]
        tables[label] = {name: percentiles(values) for name, values in stages.items()}
    vectors = [(q.vector, s) for q, (_, s) in zip(questions, scoped, strict=True)][:100]
    old = old_filter_dense(index, vectors, settings.candidates)
    tables["chroma filtered query"]["dense, old $and filter"] = percentiles(old)
    info: dict[str, object] = {
        "chunks": index.count(),
        "queries": len(questions),
        "k": args.k,
        "load": " ".join(f"{x:.2f}" for x in os.getloadavg()),
        "hits_per_query": hits_per_query,
        "snapshot": f"{how} in {time.perf_counter() - started:.1f} s",
    }
    return tables, info


def main() -> int:
    args = parse_args()
    apply_offline_env()
    home = args.home or Path(tempfile.gettempdir()) / f"plant-copilot-search-bench-{args.chunks}"
    corpus = SyntheticCorpus(args.chunks)
    if args.build_only:
        build_stores(home, corpus, args.rebuild)
        return 0
    # Build in a child so this process's peak RSS is the serving path's alone.
    child = [sys.executable, __file__, "--build-only", "--chunks", str(args.chunks)]
    subprocess.run(
        [*child, "--home", str(home), *(["--rebuild"] if args.rebuild else [])], check=True
    )
    server = ChromaServer(home / "chroma").start() if args.chroma_mode == "server" else None
    try:
        db, index = _stores(home, server.port if server else None)
        tables, info = measure(db, index, corpus, home, args)
        info["mode"] = args.chroma_mode + (
            "" if not args.no_dense_snapshot else ", no dense snapshot"
        )
        info["peak_rss_mb"] = round(peak_rss_mb(), 1)
        if server is not None and server._proc is not None:
            info["chroma_server_peak_rss_mb"] = round(peak_rss_mb(server._proc.pid), 1)
    finally:
        if server is not None:
            server.stop()
    if args.json:
        print(json.dumps({"info": info, "latency_ms": tables}, indent=2))
    else:
        print_tables(tables, info)
    return 0


if __name__ == "__main__":
    sys.exit(main())
