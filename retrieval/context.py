"""Joining neighbouring chunks so that a procedure's numbered steps are not cut.

The chunker splits a long procedure between list items, so a hit holding steps 1-4 may stop
just before step 5 ("5. Remove the lockout"). When the next chunk of the same document version
and section starts with the next step number, it is joined (and likewise backwards for a hit
that starts mid-procedure), up to a few chunks and a character budget.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from core.models import Chunk
from core.ports import ChunkLocator, VectorIndex

_STEP = re.compile(r"^\s*(?:step\s+)?(\d{1,3})\s*[.):]\s+\S", re.IGNORECASE)
_LEAD_LINES = 3  # a continuing chunk starts with a step within its first lines (after a header)


def _lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip()]


def step_numbers(text: str) -> list[int]:
    """Numbers of the numbered-step lines of a text, in order."""
    numbers = []
    for line in _lines(text):
        match = _STEP.match(line)
        if match:
            numbers.append(int(match.group(1)))
    return numbers


def first_step(text: str) -> int | None:
    """The step number a text starts with (within its first lines), if any."""
    for line in _lines(text)[:_LEAD_LINES]:
        match = _STEP.match(line)
        if match:
            return int(match.group(1))
    return None


def _may_continue(text: str) -> tuple[bool, bool]:
    """(forward, backward): does the text END with a numbered step, does it START past step 1?

    Only then can a neighbour continue the procedure; other hits skip the neighbour lookup.
    """
    lines = _lines(text)
    forward = bool(lines) and _STEP.match(lines[-1]) is not None
    start = first_step(text)
    return forward, start is not None and start > 1


def continues(before: Chunk, after: Chunk) -> bool:
    """True when ``after`` carries on the numbered steps where ``before`` stops."""
    if before.section_path != after.section_path or before.version_key != after.version_key:
        return False
    steps = step_numbers(before.text)
    start = first_step(after.text)
    return bool(steps) and start is not None and start == steps[-1] + 1


def _body_after_header(chunk: Chunk, header: str) -> str:
    """The chunk text without its first line when that line repeats ``header``."""
    lines = chunk.text.split("\n", 1)
    if len(lines) == 2 and lines[0].strip() == header.strip():
        return lines[1]
    return chunk.text


def join_text(chunks: Sequence[Chunk]) -> str:
    """Texts of consecutive chunks joined, dropping repeated header lines."""
    header = chunks[0].text.split("\n", 1)[0]
    parts = [chunks[0].text] + [_body_after_header(c, header) for c in chunks[1:]]
    return "\n".join(parts)


def _neighbours(
    hit: Chunk, wanted: range, index: VectorIndex, locator: ChunkLocator | None
) -> dict[int, Chunk]:
    """Chunks of the hit's version at ``wanted`` ordinals: by id when the locator knows them
    (a cheap get in any store), else by a version-filtered read."""
    ids = locator.locate(hit.version_key, list(wanted)) if locator is not None else None
    if ids is not None:
        found = [s.chunk for s in index.get(ids) if s.chunk.version_key == hit.version_key]
        if len(found) == len(ids):
            return {c.ordinal: c for c in found}
    return {c.ordinal: c for c in index.chunks_at(hit.version_key, list(wanted))}


def step_context(
    hit: Chunk,
    index: VectorIndex,
    max_chunks: int,
    max_chars: int,
    locator: ChunkLocator | None = None,
) -> list[Chunk] | None:
    """The hit with the neighbours its numbered steps continue into, or None if nothing joins."""
    forward, backward = _may_continue(hit.text)
    if max_chunks <= 0 or not (forward or backward):
        return None  # no index round trip for the common case
    low = hit.ordinal - max_chunks if backward else hit.ordinal + 1
    high = hit.ordinal + max_chunks if forward else hit.ordinal - 1
    wanted = range(max(low, 0), high + 1)
    by_ordinal = _neighbours(hit, wanted, index, locator)
    run = [hit]
    size = len(hit.text)
    for ordinal in range(hit.ordinal + 1, hit.ordinal + max_chunks + 1):
        nxt = by_ordinal.get(ordinal)
        if nxt is None or not continues(run[-1], nxt) or size + len(nxt.text) > max_chars:
            break
        run.append(nxt)
        size += len(nxt.text)
    for ordinal in range(hit.ordinal - 1, hit.ordinal - max_chunks - 1, -1):
        prev = by_ordinal.get(ordinal)
        if prev is None or not continues(prev, run[0]) or size + len(prev.text) > max_chars:
            break
        run.insert(0, prev)
        size += len(prev.text)
    return run if len(run) > 1 else None
