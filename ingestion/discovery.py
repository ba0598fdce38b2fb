"""Find the documents under an ingest path, honouring a ``.copilotignore`` file.

``.copilotignore`` (in the ingest root) lists glob patterns, one per line, of files that are
not plant documents (a README describing the folder, say). Sidecars and ``assets.yaml`` (the
site's equipment register, ``ingestion/asset_register.py``) are never documents.
"""

from __future__ import annotations

import fnmatch
from pathlib import Path

from core.assets import ASSET_FILE
from ingestion.metadata import SIDECAR_SUFFIX

IGNORE_FILE = ".copilotignore"


def _patterns(root: Path) -> list[str]:
    ignore = root / IGNORE_FILE
    if not ignore.is_file():
        return []
    lines = ignore.read_text(encoding="utf-8", errors="replace").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def _ignored(rel: str, patterns: list[str]) -> bool:
    name = rel.rsplit("/", 1)[-1]
    return any(fnmatch.fnmatch(rel, p) or fnmatch.fnmatch(name, p) for p in patterns)


def discover(path: Path) -> tuple[list[Path], int]:
    """Documents under ``path`` (or ``path`` itself), sorted; and how many files were ignored."""
    if path.is_file():
        return [path], 0
    patterns = _patterns(path)
    found: list[Path] = []
    ignored = 0
    for file in sorted(p for p in path.rglob("*") if p.is_file()):
        rel = file.relative_to(path).as_posix()
        if any(part.startswith(".") for part in file.relative_to(path).parts):
            continue
        if file.name.endswith(SIDECAR_SUFFIX) or file.name == ASSET_FILE:
            continue  # metadata and the equipment register are read on their own
        if _ignored(rel, patterns):
            ignored += 1
            continue
        found.append(file)
    return found, ignored
