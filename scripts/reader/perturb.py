"""Perturbed questions: the question with one specific swapped for one no passage contains.

A perturbed group asks the unit's question with one tag, number, product or material name, or
attribute word ("wash temperature" -> "wash pressure") replaced by a value none of the group's
passages contains, and labels every passage 0: the reader must not answer "38 mm closures"
from the 28 mm row. Training data only; nothing here runs at answer time.
"""

from __future__ import annotations

import random
import re
from collections.abc import Sequence

_TAG = re.compile(r"\b[A-Z]{1,6}-?\d{1,5}[A-Z]?\b")
_NUMBER = re.compile(r"(?<![\w.])\d+(?:[.,]\d+)?(?![\w.])")
_NAME = re.compile(r"\b[A-Z][A-Z0-9]{1,7}\b")
ATTRIBUTES = (
    "temperature",
    "pressure",
    "torque",
    "speed",
    "time",
    "interval",
    "frequency",
    "level",
    "thickness",
    "length",
    "weight",
    "voltage",
    "current",
    "flow rate",
    "concentration",
    "setpoint",
    "limit",
    "capacity",
    "size",
    "colour",
    "dose",
    "duration",
    "retention period",
    "shelf life",
    "replacement interval",
    "part number",
    "supplier",
    "cost",
    "alarm",
    "trip point",
    "gap",
    "viscosity",
    "pH",
    "clearance",
    "tension",
    "date",
    "owner",
)
"""Attribute words swapped in perturbed questions ("wash temperature" asked as "wash
pressure" of a passage that states no pressure): training data only, never used at run time."""


def perturb(
    query: str, passages: Sequence[str], vocabulary: dict[str, list[str]], rng: random.Random
) -> str | None:
    """The query with one tag, number, name or attribute word it shares with the first passage
    replaced by one that no passage contains; None when it has nothing to swap."""
    shown = "\n".join(passages)
    options = [
        (kind, match.group(0))
        for kind, pattern in (("tag", _TAG), ("number", _NUMBER), ("name", _NAME))
        for match in pattern.finditer(query)
        if match.group(0) in passages[0]
    ]
    low = query.lower()
    options += [("attribute", a) for a in ATTRIBUTES if re.search(rf"\b{re.escape(a)}\b", low)]
    rng.shuffle(options)
    for kind, old in options:
        changed = _swap(query, kind, old, shown, vocabulary, rng)
        if changed and changed != query:
            return changed
    return None


def _swap(
    query: str,
    kind: str,
    old: str,
    shown: str,
    vocabulary: dict[str, list[str]],
    rng: random.Random,
) -> str | None:
    """``query`` with ``old`` (a whole token: not the "CONV" of "CONV-3") replaced by a value
    of its kind that no passage contains, or None."""
    if kind == "attribute":
        pool = [a for a in ATTRIBUTES if a not in shown.lower() and a not in query.lower()]
        pattern = rf"\b{re.escape(old)}\b"
    else:
        pool = [w for w in vocabulary.get(kind, []) if w != old and w not in shown]
        pattern = rf"(?<![\w-]){re.escape(old)}(?![\w-])"
    new = _other_number(old, rng) if kind == "number" else (rng.choice(pool) if pool else None)
    if not new or new in shown:
        return None
    return re.sub(pattern, new, query, count=1, flags=re.I)


def _other_number(old: str, rng: random.Random) -> str:
    value = float(old.replace(",", "."))
    factor = rng.choice([0.5, 0.75, 1.5, 2.0, 3.0])
    new = value * factor + (10 if value == 0 else 0)
    return f"{new:.1f}" if "." in old or "," in old else str(round(new))


def vocabulary_of(texts: Sequence[str]) -> dict[str, list[str]]:
    """Tags and names found anywhere in the corpus, for perturbations."""
    tags, names = set(), set()
    for text in texts:
        tags.update(_TAG.findall(text))
        names.update(n for n in _NAME.findall(text) if not any(ch.isdigit() for ch in n))
    return {"tag": sorted(tags), "name": sorted(names)}
