"""Procedure answers: the numbered steps of one section, whole, in order, never mixed.

The section is chosen from the supported hits; its steps may sit in chunks that were not
retrieved (a long procedure spans several chunks), so the section's other chunks are read
through the section lookup (same document version, hence same scope). Within a chunk, a new
run of steps starts at "1."; the run that best matches the question is quoted, then the runs of
later chunks that continue its numbering.
"""

from __future__ import annotations

from collections.abc import Sequence

from core.answers import SearchHit
from core.models import BlockKind, Chunk
from services.answering.compose import Quote
from services.answering.safety import SectionLookup
from services.answering.support import HitSupport, QuestionProfile, quotable_units
from services.answering.text import term_set
from services.answering.units import Unit, UnitKind


def step_runs(units: Sequence[Unit]) -> list[tuple[int, int]]:
    """``(first, last)`` unit indexes of each run of numbered steps (a run restarts at 1)."""
    runs: list[tuple[int, int]] = []
    previous: int | None = None
    for i, unit in enumerate(units):
        number = unit.step_number
        if number is None:
            continue
        if runs and previous is not None and number == previous + 1:
            runs[-1] = (runs[-1][0], i)
        else:
            runs.append((i, i))
        previous = number
    return runs


def section_members(
    primary: Chunk, hits: Sequence[SearchHit], lookup: SectionLookup | None
) -> list[SearchHit]:
    """The chunks of the primary's section in document order, as hits.

    Retrieved chunks keep their hit; others come from ``lookup`` with a zero-score stand-in.
    Records (work-order rows) and chunks without a section stand alone.
    """
    if not primary.section_path or primary.kind is BlockKind.RECORD:
        return [h for h in hits if h.chunk.chunk_id == primary.chunk_id]
    members = {
        h.chunk.chunk_id: h
        for h in hits
        if h.chunk.version_key == primary.version_key
        and h.chunk.section_path == primary.section_path
    }
    for chunk in lookup(primary) if lookup is not None else []:
        members.setdefault(chunk.chunk_id, SearchHit(rank=0, chunk=chunk, score=0.0))
    return sorted(members.values(), key=lambda h: h.chunk.ordinal)


def _best_run(
    units: list[Unit], runs: list[tuple[int, int]], prof: QuestionProfile
) -> tuple[int, int]:
    """The run whose steps (and the line introducing them) cover the question best; first on ties."""

    def score(run: tuple[int, int]) -> float:
        start = max(run[0] - 1, 0)
        text = "\n".join(u.text for u in units[start : run[1] + 1])
        return prof.coverage(term_set(text))

    return max(runs, key=lambda r: (score(r), -r[0]))


def procedure_quotes(
    prof: QuestionProfile,
    hits: Sequence[SearchHit],
    supports: Sequence[HitSupport],
    threshold: float,
    lookup: SectionLookup | None,
    rank_decay: float,
) -> list[Quote]:
    """Quotes holding one procedure's steps, or [] when no supported section has steps."""
    by_id = {h.chunk.chunk_id: h for h in hits}
    best: tuple[float, int, list[SearchHit]] | None = None
    for s in supports:
        if s.score < threshold:
            continue
        members = section_members(by_id[s.chunk_id].chunk, hits, lookup)
        if not any(step_runs(quotable_units(m.chunk)) for m in members):
            continue
        key = s.score * rank_decay ** (s.rank - 1)
        if best is None or key > best[0]:
            best = (key, s.rank, members)
    return _quote_steps(best[2], prof) if best else []


def _quote_steps(members: list[SearchHit], prof: QuestionProfile) -> list[Quote]:
    """The best run of the first chunk with steps, then the runs continuing its numbering."""
    quotes: list[Quote] = []
    last_number: int | None = None
    for member in members:
        units = quotable_units(member.chunk)
        runs = step_runs(units)
        if not runs:
            continue
        if last_number is None:
            run = _best_run(units, runs, prof)
        else:
            follow = [r for r in runs if units[r[0]].step_number == last_number + 1]
            if not follow:
                break
            run = follow[0]
        quotes.append(Quote(member, units[run[0] : run[1] + 1]))
        last_number = units[run[1]].step_number
    return quotes


def has_steps(chunk: Chunk) -> bool:
    """True when the chunk holds at least one numbered step."""
    return any(u.kind is UnitKind.STEP for u in quotable_units(chunk))
