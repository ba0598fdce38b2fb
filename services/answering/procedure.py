"""Procedure answers: the numbered steps of one section, whole, in order, never mixed.

A long procedure spans several chunks, some of them not retrieved, so the section's other
chunks are read through the section lookup (same document version, hence same scope). Within a
chunk a new run of steps starts at "1."; the run holding the step the reader chose is quoted,
then the runs of the section's later chunks that continue its numbering.
"""

from __future__ import annotations

from collections.abc import Sequence

from core.answers import SearchHit
from core.models import BlockKind, Chunk
from services.answering.compose import Quote
from services.answering.evidence import quotable_units
from services.answering.safety import SectionLookup
from services.answering.units import Unit


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
    # The lookup returns the siblings only; the primary may be a sibling itself (not retrieved).
    for chunk in [primary, *(lookup(primary) if lookup is not None else [])]:
        members.setdefault(chunk.chunk_id, SearchHit(rank=0, chunk=chunk, score=0.0))
    return sorted(members.values(), key=lambda h: h.chunk.ordinal)


def procedure_quotes(
    hit: SearchHit, unit: Unit, hits: Sequence[SearchHit], lookup: SectionLookup | None
) -> list[Quote]:
    """The run of steps holding ``unit`` in ``hit``, then the runs of the section's later
    chunks that continue its numbering; [] when ``unit`` is not in a run of steps."""
    members = section_members(hit.chunk, hits, lookup)
    start = next((i for i, m in enumerate(members) if m.chunk.chunk_id == hit.chunk.chunk_id), 0)
    quotes: list[Quote] = []
    last: int | None = None
    for member in members[start:]:
        units = quotable_units(member.chunk)
        runs = step_runs(units)
        if last is None:
            where = units.index(unit) if unit in units else -1
            run = next((r for r in runs if r[0] <= where <= r[1]), None)
        else:
            run = next((r for r in runs if units[r[0]].step_number == last + 1), None)
        if run is None:
            break
        quotes.append(Quote(member, units[run[0] : run[1] + 1]))
        last = units[run[1]].step_number
    return quotes


def run_text(run: Sequence[tuple[SearchHit, Unit]]) -> str:
    """A run of steps as one passage: its steps' texts, one per line."""
    return "\n".join(u.text for _, u in run)


def _runs(members: Sequence[SearchHit]) -> list[list[tuple[SearchHit, Unit]]]:
    """The runs of at least two numbered steps through ``members`` (a run may cross chunks),
    each as its steps with their chunks."""
    flat = [(m, u) for m in members for u in quotable_units(m.chunk)]
    runs = []
    for first, last in step_runs([u for _, u in flat]):
        steps = [(m, u) for m, u in flat[first : last + 1] if u.step_number is not None]
        if len(steps) > 1:
            runs.append(steps)
    return runs


def section_runs(
    hit: SearchHit, hits: Sequence[SearchHit], lookup: SectionLookup | None
) -> list[list[tuple[SearchHit, Unit]]]:
    """The runs of at least two numbered steps of ``hit``'s whole section (a run may cross
    chunks) that hold a step of ``hit``'s chunk, each as its steps with their chunks.

    A retrieved chunk may hold only the last step of a procedure; read whole, the run says
    what "the steps" are, and quoting starts from its first step."""
    runs = _runs(section_members(hit.chunk, hits, lookup))
    return [r for r in runs if any(m.chunk.chunk_id == hit.chunk.chunk_id for m, _ in r)]


def section_procedure(
    hit: SearchHit, hits: Sequence[SearchHit], lookup: SectionLookup | None
) -> tuple[SearchHit, Unit] | None:
    """The first step of the one run of numbered steps in ``hit``'s section, or None when the
    section holds no run or several (which one a sentence belongs to is then unclear)."""
    runs = _runs(section_members(hit.chunk, hits, lookup))
    return runs[0][0] if len(runs) == 1 else None
