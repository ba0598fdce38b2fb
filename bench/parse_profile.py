"""Where parsing time goes, per format: one-time imports, parse, chunking, and PDF pages.

Usage:  .venv/bin/python bench/parse_profile.py [--docs sample_docs] [--pdf LONG.pdf ...]
            [--top 25] [--json]

Runs in a fresh process, as the ingest's parse worker does: formats in a fixed order (Markdown,
HTML, PDF, DOCX, e-mail, text, CSV, XLSX). For each format it prints the first file's parse time
(which pays the format's one-time imports and model loads), the other files' mean parse time,
the chunking time, and the CPU seconds; for each ``--pdf`` file the time per page. ``--top N``
adds a cProfile listing (cumulative) of the whole run. Works on any checkout (it only calls
``ingestion.parsing.parse_file`` and ``ingestion.chunking.chunk_document``), so the same command
profiles the code before and after a change.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import pstats
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

REPO = Path.cwd()
sys.path.insert(0, str(REPO))

from core.models import DocType, DocumentMeta, Role  # noqa: E402
from core.settings import ChunkingSettings, apply_offline_env  # noqa: E402

ORDER = [".md", ".html", ".pdf", ".docx", ".eml", ".txt", ".csv", ".xlsx"]


def _meta(path: Path) -> DocumentMeta:
    return DocumentMeta(
        doc_id=path.stem,
        title=path.stem,
        site="bench",
        doc_type=DocType.MANUAL,
        revision="1",
        audience=frozenset({Role.ADMIN}),
        source_path=str(path),
        content_hash="0" * 64,
    )


def _timed(path: Path) -> dict[str, float]:
    """Parse and chunk one file: wall and CPU seconds of each step, pages and chunks."""
    from ingestion.chunking import chunk_document
    from ingestion.parsing import parse_file

    wall, cpu = time.perf_counter(), time.process_time()
    document = parse_file(path, 10**9)
    parse_wall, parse_cpu = time.perf_counter() - wall, time.process_time() - cpu
    wall = time.perf_counter()
    chunks = chunk_document(document.blocks, _meta(path), ChunkingSettings())
    pages = {b.page for b in document.blocks if b.page is not None}
    return {
        "parse_s": parse_wall,
        "parse_cpu_s": parse_cpu,
        "chunk_s": time.perf_counter() - wall,
        "pages": float(len(pages)),
        "chunks": float(len(chunks)),
    }


def profile(corpus: Path, pdfs: list[Path]) -> dict[str, Any]:
    """Per-format figures for ``corpus``, then per-page figures for each of ``pdfs``."""
    files = defaultdict(list)
    for path in sorted(corpus.rglob("*")):
        if path.is_file() and path.suffix.lower() in ORDER and path.name != "README.md":
            files[path.suffix.lower()].append(path)
    out: dict[str, Any] = {}
    for suffix in ORDER:
        runs = [_timed(path) for path in files.get(suffix, [])]
        if not runs:
            continue
        rest = runs[1:]
        out[suffix] = {
            "files": len(runs),
            "first_parse_s": round(runs[0]["parse_s"], 3),
            "rest_mean_parse_s": round(sum(r["parse_s"] for r in rest) / len(rest), 4)
            if rest
            else None,
            "total_parse_s": round(sum(r["parse_s"] for r in runs), 3),
            "total_parse_cpu_s": round(sum(r["parse_cpu_s"] for r in runs), 3),
            "total_chunk_s": round(sum(r["chunk_s"] for r in runs), 3),
        }
    for pdf in pdfs:
        run = _timed(pdf)
        out[pdf.name] = {
            "pages": int(run["pages"]),
            "chunks": int(run["chunks"]),
            "parse_s": round(run["parse_s"], 2),
            "parse_cpu_s": round(run["parse_cpu_s"], 2),
            "ms_per_page": round(1000 * run["parse_s"] / max(run["pages"], 1), 1),
            "chunk_s": round(run["chunk_s"], 3),
        }
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=Path, default=REPO / "sample_docs")
    parser.add_argument("--pdf", type=Path, action="append", default=[])
    parser.add_argument("--top", type=int, default=0, help="cProfile: top N by cumulative time")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    apply_offline_env()
    profiler = cProfile.Profile() if args.top else None
    if profiler:
        profiler.enable()
    started = time.perf_counter()
    figures = profile(args.docs, args.pdf)
    figures["total_s"] = round(time.perf_counter() - started, 2)
    if profiler:
        profiler.disable()
    if args.json:
        print(json.dumps(figures, indent=2))
    else:
        for name, row in figures.items():
            print(f"{name:<24} {row}")
    if profiler:
        pstats.Stats(profiler, stream=sys.stderr).sort_stats("cumulative").print_stats(args.top)


if __name__ == "__main__":
    main()
