"""Published reference numbers of a BEIR data set, parsed from ``REFERENCE_NUMBERS.txt``.

The file (written by whoever assembled the data set) is a fixed-width table: an entry starts
at column 0 with its name (text before `` - `` is the name), and the line holding its numbers
ends with ``nDCG@10`` then ``R@100`` (or text when there is no recall). A ``*`` after a number
marks it as unverified.
"""

from __future__ import annotations

import re
from pathlib import Path

from pydantic import BaseModel

REFERENCE_FILE = "REFERENCE_NUMBERS.txt"
_NUMBERS = re.compile(r"\s{2,}(0\.\d+)(\*?)\s+(?:(0\.\d+)(\*?)|=[^;]*|)\s*$")


class Reference(BaseModel):
    """One published figure pair."""

    ndcg_at_10: float
    recall_at_100: float | None = None
    verified: bool = True


def parse_references(text: str) -> dict[str, Reference]:
    """Entries of the table by name, in file order."""
    out: dict[str, Reference] = {}
    name: str | None = None
    for line in text.splitlines():
        if line and not line[0].isspace() and not line.startswith(("*", "Published")):
            name = line.split(" - ")[0].strip()
        match = _NUMBERS.search(line)
        if name is None or match is None:
            continue
        ndcg, star1, recall, star2 = match.groups()
        out[name] = Reference(
            ndcg_at_10=float(ndcg),
            recall_at_100=float(recall) if recall else None,
            verified=not (star1 or star2),
        )
        name = None
    return out


def load_references(root: Path) -> dict[str, Reference]:
    """References of the data set in ``root``; empty when it ships none."""
    path = root / REFERENCE_FILE
    if not path.is_file():
        return {}
    return parse_references(path.read_text(encoding="utf-8"))
