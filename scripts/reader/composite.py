"""Two-part training questions: a line that answers one part of a question is still an answer.

Workers ask two things at once ("What did the ROB-3 crash cost, and what interlock did we
add?"); the generated unit questions ask one. The v4 reader scores the line that answers one
part of a two-part question low (it never saw one), so the answer-or-abstain decision refuses
many of them and the second part is rarely quoted (eval/calibration/reader_v4.md).

A composite joins two unit questions about two units of the same document with a plain
connective. It gives one answerable group per part (that part's unit first; the other part's
unit is left out, not labelled negative: it answers too) and, with ``missing_share``, a group
of look-alikes from other documents, all 0, so that a question having two parts says nothing
about whether it is answered. Training data only; nothing here runs at answer time.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Sequence

from scripts.reader.groups import Group
from scripts.reader.unit_groups import UnitRef, UnitSampler

JOINS = (
    "{a} And {b}",
    "{a} Also, {bl}",
    "{an} and {bl}",
    "Two things: {a} {b}",
    "{a} Plus {bl}",
    "{a} {b}",
)


def join(a: str, b: str, rng: random.Random) -> str:
    """``a`` and ``b`` as one two-part question, with one of a few plain connectives."""
    a, b = a.strip(), b.strip()
    bl = b[:1].lower() + b[1:] if b[1:2].islower() else b
    return rng.choice(JOINS).format(a=a, b=b, bl=bl, an=a.rstrip("?").rstrip())


def _negatives(
    sampler: UnitSampler, ref: UnitRef, other: UnitRef, query: str, n: int, rng: random.Random
) -> list[str]:
    picked = sampler.sample(ref, query, n + 1, rng)
    return [u.passage for u in picked if u.key != other.key][:n]


def composite_groups(
    sampler: UnitSampler,
    pairs: Sequence[tuple[str, str]],
    count: int,
    negatives: int,
    seed: int,
    missing_share: float,
) -> list[Group]:
    """``count`` two-part questions over (unit key, question) ``pairs``; each part's unit in
    another unit of the same document (a different text), parts in random order."""
    rng = random.Random(seed + 7)
    by_doc: dict[str, list[tuple[UnitRef, str]]] = defaultdict(list)
    for key, query in pairs:
        ref = sampler.units.get(key)
        if ref is not None:
            by_doc[ref.chunk.doc_id].append((ref, query))
    docs = sorted(d for d, items in by_doc.items() if len({r.key for r, _ in items}) >= 2)
    groups: list[Group] = []
    made = 0
    while made < count and docs:
        items = by_doc[rng.choice(docs)]
        (ra, qa), (rb, qb) = rng.sample(items, 2)
        if ra.key == rb.key or ra.unit.text == rb.unit.text:
            continue
        query = join(qa, qb, rng)
        for ref, other in ((ra, rb), (rb, ra)):
            negs = _negatives(sampler, ref, other, query, negatives, rng)
            labels = [1] + [0] * len(negs)
            groups.append(
                Group(query, [ref.passage, *negs], labels, "unit-composite", ref.chunk.chunk_id)
            )
        if rng.random() < missing_share:
            others = [u.passage for u in sampler.sample(ra, query, negatives + 1, rng, True)]
            if len(others) >= 2:
                groups.append(
                    Group(
                        query,
                        others,
                        [0] * len(others),
                        "unit-composite-missing",
                        ra.chunk.chunk_id,
                    )
                )
        made += 1
    return groups
