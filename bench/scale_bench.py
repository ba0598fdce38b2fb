"""Scale benchmark: a real-size generated corpus, ingested, re-ingested, queried and evaluated.

Usage:  .venv/bin/python bench/scale_bench.py [--scale 1] [--seed 13] [--work DIR]
            [--corpus DIR] [--generate-only] [--skip-ingest HOME] [--baseline-home HOME]
            [--backend minilm|hashing|onnx] [--sets sample,test2,...] [--no-eval]
            [--queries 200] [--json]

Stages (each prints a line on stderr as it completes; ``--json`` prints every figure at the end):
1. generate the corpus (``bench/scale_corpus``) into ``<work>/corpus`` (default work dir
   ``$TMPDIR/plant-copilot-scale-<scale>``), print its summary;
2. ``plant-copilot ingest`` into a fresh home (embedded Chroma + SQLite, the configured
   embedder or ``--backend``) as a fresh process: wall time, docs/s, chunks/s, peak RSS of the
   CLI process and of its parse worker;
3. the no-op re-ingest and 4. the re-ingest after editing one small file, both fresh processes
   (target < 5 s);
5. search and ask p50/p95 over the golden questions on the full index, and the peak RSS of that
   serving process (retriever, index snapshot, answerer), in a fresh process;
6. the golden and blind sets (``plant-copilot eval --no-ragas``) on the full index and on
   sample_docs alone, hit@5 and first-citation-doc deltas (target: drop <= 0.02) and the
   questions that got worse, with what outranked the right document.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.scale_corpus import generate  # noqa: E402
from bench.scale_corpus.common import Plan  # noqa: E402
from bench.scale_corpus.evalcmp import compare, run_set  # noqa: E402
from bench.scale_corpus.procs import cli, run_measured  # noqa: E402

SETS = ("sample", "test2", "test3", "test4", "test5", "test6", "test7", "test8")
EDITED_NOTE = "\nFollow-up: checked again by the day shift, no further action.\n"


def say(message: str) -> None:
    print(f"[scale-bench] {message}", file=sys.stderr, flush=True)


def ingest(home: Path, corpus: Path, env: dict[str, str], label: str) -> dict[str, Any]:
    """``plant-copilot ingest CORPUS --json`` as a fresh process, with wall time and peak RSS."""
    home.mkdir(parents=True, exist_ok=True)
    run = run_measured(
        cli("ingest", str(corpus), "--json"),
        {**env, "PLANT_COPILOT_HOME": str(home)},
        home / f"{label}.stderr.log",
    )
    if run.returncode not in (0, 1) or not run.stdout.strip():
        raise SystemExit(f"{label}: ingest exited {run.returncode}, see {home}/{label}.stderr.log")
    report = run.parsed()
    docs = report["documents"]
    indexed = docs["added"] + docs["updated"] + docs["superseded"]
    return {
        "wall_s": run.wall_s,
        "in_process_s": report["elapsed_s"],
        "documents": docs,
        "chunks": report["chunks"],
        "failures": len(report["failures"]),
        "failure_reasons": [f["reason"] for f in report["failures"]][:5],
        "docs_per_s": round(indexed / run.wall_s, 2),
        "chunks_per_s": round(report["chunks"]["embedded"] / run.wall_s, 1),
        "peak_rss_mb": run.peak_rss_mb,
        "exit": run.returncode,
    }


def edit_one_file(corpus: Path) -> Path:
    """Append a line to the first near-miss note, the "1 file out of 10,000" edit."""
    target = sorted((corpus / "brookfield" / "incident").glob("brk-nm-*.txt"))[0]
    with target.open("a", encoding="utf-8") as handle:
        handle.write(EDITED_NOTE)
    return target


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * len(ordered)) - 1))]


def serve_probe(home: Path, queries: int) -> dict[str, Any]:
    """In this process: load the serving path, answer golden questions, report latency and RSS."""
    import resource
    import time

    from core.settings import load_settings
    from services.ask import ask
    from services.search import search
    from services.wiring import build

    cases = [
        json.loads(line)
        for name in SETS
        for line in (REPO / "eval" / "golden" / f"{name}.jsonl").read_text().splitlines()
        if line.strip()
    ][:queries]
    components = build(load_settings(home=home))
    started = time.perf_counter()
    search(components, cases[0]["question"], cases[0]["site"], cases[0]["role"])
    first = (time.perf_counter() - started) * 1000
    times: dict[str, list[float]] = {"search": [], "ask": []}
    for case in cases:
        question, site, role = case["question"], case["site"], case["role"]
        started = time.perf_counter()
        search(components, question, site, role)
        middle = time.perf_counter()
        ask(components, question, site, role, user="scale-bench")
        times["search"].append((middle - started) * 1000)
        times["ask"].append((time.perf_counter() - middle) * 1000)
    out: dict[str, Any] = {"queries": len(cases), "first_search_ms": round(first, 1)}
    for name, values in times.items():
        out[f"{name}_p50_ms"] = round(statistics.median(values), 1)
        out[f"{name}_p95_ms"] = round(percentile(values, 0.95), 1)
    out["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    return out


def serve(home: Path, env: dict[str, str], queries: int) -> dict[str, Any]:
    """Run :func:`serve_probe` as a fresh process (its RSS is the serving process's)."""
    argv = [sys.executable, str(Path(__file__).resolve()), "--serve-probe", str(home)]
    run = run_measured([*argv, "--queries", str(queries)], env, home / "serve.stderr.log")
    if run.returncode:
        raise SystemExit(f"serve probe exited {run.returncode}, see {home}/serve.stderr.log")
    return dict(run.parsed())


def evaluate(
    home: Path, alone: Path, sets: list[str], out: Path, env: dict[str, str]
) -> dict[str, Any]:
    """Every set on the full index and on sample_docs alone, compared."""
    result: dict[str, Any] = {}
    for name in sets:
        full = run_set(home, name, out / "haystack", env)
        base = run_set(alone, name, out / "alone", env)
        diff = compare(full, base)
        result[name] = {"haystack": full["metrics"], "alone": base["metrics"], **diff}
        d = diff["deltas"]
        say(
            f"eval {name}: hit@5 {base['metrics']['hit@5']:.3f} -> {full['metrics']['hit@5']:.3f}"
            f" ({d.get('hit@5', 0):+.3f}), first_citation_doc "
            f"{base['metrics']['first_citation_doc']:.3f} -> "
            f"{full['metrics']['first_citation_doc']:.3f} ({d.get('first_citation_doc', 0):+.3f}),"
            f" {len(diff['worse'])} questions worse"
        )
    return result


def backend_env(backend: str | None) -> tuple[dict[str, str], str]:
    """Environment selecting the embedder, and its name (from settings when not given)."""
    if backend:
        return {"PLANT_COPILOT_EMBEDDING__BACKEND": backend}, backend
    from core.settings import load_settings

    return {}, str(load_settings().embedding.backend)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--work", type=Path, help="work dir (corpus/, home/, home-alone/, eval/)")
    parser.add_argument("--corpus", type=Path, help="an already generated corpus")
    parser.add_argument("--generate-only", action="store_true")
    parser.add_argument("--skip-ingest", type=Path, metavar="HOME", help="an indexed home")
    parser.add_argument("--baseline-home", type=Path, help="a home with sample_docs alone")
    parser.add_argument("--backend", help="embedding backend (default: from settings)")
    parser.add_argument("--sets", default=",".join(SETS))
    parser.add_argument("--no-eval", action="store_true")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--serve-probe", type=Path, help=argparse.SUPPRESS)
    return parser.parse_args()


def corpus_stage(args: argparse.Namespace, work: Path) -> tuple[Path, dict[str, Any] | None]:
    """The corpus to use: ``--corpus``, or ``<work>/corpus`` (generated when absent)."""
    corpus = args.corpus or work / "corpus"
    if corpus.exists() and any(corpus.iterdir()):
        say(f"corpus: using {corpus}")
        return corpus, None
    summary = generate(corpus, Plan(scale=args.scale, seed=args.seed), progress=say)
    say(f"corpus generated in {summary.seconds} s: {summary.model_dump_json()}")
    return corpus, summary.model_dump()


def index_stages(corpus: Path, home: Path, skip: bool, env: dict[str, str]) -> dict[str, Any]:
    """Full ingest (unless skipped), no-op re-ingest, and re-ingest after one edited file."""
    out: dict[str, Any] = {}
    if not skip:
        out["ingest"] = ingest(home, corpus, env, "ingest")
        say(f"ingest: {json.dumps(out['ingest'])}")
    out["noop_reingest"] = ingest(home, corpus, env, "noop")
    say(f"no-op re-ingest: {json.dumps(out['noop_reingest'])}")
    edited = edit_one_file(corpus)
    out["one_file_changed"] = {"file": str(edited.relative_to(corpus))}
    out["one_file_changed"].update(ingest(home, corpus, env, "one-file"))
    say(f"re-ingest after editing 1 file: {json.dumps(out['one_file_changed'])}")
    return out


def main() -> int:
    args = parse_args()
    if args.serve_probe:
        print(json.dumps(serve_probe(args.serve_probe, args.queries)))
        return 0
    work = args.work or Path(tempfile.gettempdir()) / f"plant-copilot-scale-{args.scale:g}"
    work.mkdir(parents=True, exist_ok=True)
    env, backend = backend_env(args.backend)
    figures: dict[str, Any] = {"scale": args.scale, "backend": backend, "cores": os.cpu_count()}
    corpus, figures["corpus"] = corpus_stage(args, work)
    if args.generate_only:
        print(json.dumps(figures, indent=2))
        return 0
    home = args.skip_ingest or work / "home"
    if not args.skip_ingest and home.exists():
        shutil.rmtree(home)
    figures.update(index_stages(corpus, home, bool(args.skip_ingest), env))
    figures["serving"] = serve(home, env, args.queries)
    say(f"serving: {json.dumps(figures['serving'])}")
    if not args.no_eval:
        alone = args.baseline_home or work / "home-alone"
        if not args.baseline_home and not (alone / "plant_copilot.db").exists():
            shutil.rmtree(alone, ignore_errors=True)
            figures["ingest_sample_docs_alone"] = ingest(alone, REPO / "sample_docs", env, "alone")
            say(f"sample_docs alone ingested: {json.dumps(figures['ingest_sample_docs_alone'])}")
        sets = [s for s in args.sets.split(",") if s]
        figures["eval"] = evaluate(home, alone, sets, work / "eval", env)
    figures["load_average"] = os.getloadavg()
    (work / "scale_bench.json").write_text(json.dumps(figures, indent=2), encoding="utf-8")
    say(f"all figures: {work / 'scale_bench.json'}")
    if args.json:
        print(json.dumps(figures, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
