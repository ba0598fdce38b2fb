"""Parse-and-chunk snapshot of a corpus: what the parse worker produces, per file, as JSON.

Usage:  .venv/bin/python bench/parse_snapshot.py [--docs sample_docs] [--out FILE]
        .venv/bin/python bench/parse_snapshot.py --compare BEFORE.json AFTER.json

Why: a change to a parser must keep sections, pages and chunk texts the same (or better) for
every file; the eval golden set cites section names. The first form writes one record per chunk
(file, ordinal, kind, section path, page, row, text) plus each file's title hint; ``--compare``
prints the files whose chunks differ and a unified diff of their chunk lists.
"""

from __future__ import annotations

import argparse
import difflib
import json
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from core.policy import AccessPolicy  # noqa: E402
from core.settings import ChunkingSettings, apply_offline_env  # noqa: E402
from ingestion.discovery import discover  # noqa: E402
from ingestion.parse_worker import Prepared, prepare  # noqa: E402
from ingestion.plan import Source, resolve_all  # noqa: E402
from ingestion.report import IngestReport  # noqa: E402


def snapshot(corpus: Path) -> dict[str, Any]:
    """``{relative path: {"title", "seconds", "chunks": [...]}}`` or ``{"error": reason}``."""
    files, _ignored = discover(corpus)
    sources = [Source(path=f, root=corpus) for f in files]
    planned = resolve_all(sources, AccessPolicy(), 10**9, IngestReport())
    out: dict[str, Any] = {}
    for item in planned:
        started = time.perf_counter()
        result = prepare(item, 10**9, ChunkingSettings())
        elapsed = round(time.perf_counter() - started, 3)
        key = str(item.path.relative_to(corpus))
        if not isinstance(result, Prepared):
            out[key] = {"error": result}
            continue
        chunks = [
            {
                "kind": c.kind.value,
                "section": " > ".join(c.section_path),
                "page": c.page,
                "row": c.row,
                "text": c.text,
            }
            for c in result.chunks
        ]
        out[key] = {"title": result.item.meta.title, "seconds": elapsed, "chunks": chunks}
    return out


def _lines(record: dict[str, Any]) -> list[str]:
    if "error" in record:
        return [f"ERROR {record['error']}"]
    lines = [f"TITLE {record['title']}"]
    for c in record["chunks"]:
        lines.append(f"--- {c['kind']} [{c['section']}] page={c['page']} row={c['row']}")
        lines.extend(c["text"].splitlines())
    return lines


def compare(before: dict[str, Any], after: dict[str, Any]) -> int:
    """Print differing files with a diff; return how many differ."""
    differing = 0
    for key in sorted(set(before) | set(after)):
        old, new = (
            _lines(before.get(key, {"error": "absent"})),
            _lines(after.get(key, {"error": "absent"})),
        )
        if old == new:
            continue
        differing += 1
        print(f"=== {key}")
        sys.stdout.writelines(
            line + "\n" for line in difflib.unified_diff(old, new, "before", "after", lineterm="")
        )
    print(f"{differing} of {len(set(before) | set(after))} files differ")
    return differing


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=Path, default=REPO / "sample_docs")
    parser.add_argument("--out", type=Path)
    parser.add_argument("--compare", nargs=2, type=Path, metavar=("BEFORE", "AFTER"))
    args = parser.parse_args()
    if args.compare:
        before, after = (json.loads(p.read_text("utf-8")) for p in args.compare)
        raise SystemExit(1 if compare(before, after) else 0)
    apply_offline_env()
    data = json.dumps(snapshot(args.docs.resolve()), indent=1, ensure_ascii=False)
    if args.out:
        args.out.write_text(data + "\n", "utf-8")
    else:
        print(data)


if __name__ == "__main__":
    main()
