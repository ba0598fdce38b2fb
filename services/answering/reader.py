"""Reader answers: a model that reads the question with each quotable unit decides everything.

The reader is a cross-encoder behind :class:`core.ports.Reranker`, trained to score a question
against one quotable unit (a sentence, a whole step, a table row under its header row) read
under its chunk's header line (:func:`core.chunk_text.reader_passage`). For a question it reads
every unit of the top ``reader_candidates`` hits, then:

1. **relevance**: a hit is worth its best unit's logit, less ``reader_rank_prior`` x
   ln(1 + fused position) (the retriever's order breaks the reader's near-ties); hits are cited
   in that order;
2. **answer or abstain**: the best unit's logit and the embedder's best cosine over the hits,
   combined by a logistic fitted on the development sets (``core.support``), give the
   answer's support score; below ``reader_threshold`` the copilot says the documents do not
   answer and names the closest documents;
3. **what to quote**: the units within ``reader_unit_margin`` logits of the best one, in
   document order, from at most ``max_sources`` chunks; when the best unit is a numbered step,
   its whole run of steps (continued into the section's next chunks) instead, and when it is a
   sentence or bullet of a section that holds one run of steps, that sentence with the run
   (``procedure_start``); either is followed by at most ``procedure_extra_units`` units from
   outside the procedure within the same margin (the target value in a table, a limit given
   in another section).

With ``reader_read_procedures`` (off by default; ``eval/calibration/procedure_units_v1.md``)
each run of numbered steps through a hit's chunk, taken across its whole section, is read as
one more unit too; it competes in 1. and 2., and when it wins, 3. quotes its steps from the
first one.

No word lists or question-shape rules decide anything here; two structural rules: a
References / See also list is named in citations but never read as an answer
(``evidence.is_reference_list``), and a table's header row is read only with each row under
it, never as a unit of its own (it names columns and states no fact). Safety notices,
citation numbering and the answer layout are shared with every answerer (``safety.py``,
``compose.py``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from core.answers import Answer, SearchHit
from core.chunk_text import reader_passage
from core.models import Role
from core.ports import Reranker
from core.settings import AnswerSettings
from core.support import SupportEvidence
from services.answering.compose import Quote, abstention, compose, without_notices
from services.answering.evidence import is_reference_list, quotable_units
from services.answering.procedure import (
    procedure_quotes,
    run_text,
    section_procedure,
    section_runs,
)
from services.answering.safety import SectionLookup, collect_notices
from services.answering.units import Unit, UnitKind

_STEPS = (UnitKind.STEP, UnitKind.PROCEDURE)


def logit(p: float) -> float:
    """A reader probability back on the logit scale, where margins are even."""
    q = min(max(p, 1e-9), 1.0 - 1e-9)
    return math.log(q / (1.0 - q))


def unit_passage(hit: SearchHit, unit: Unit) -> str:
    """A unit as the reader reads it: under its chunk's header line, a table row under its
    table's header row."""
    body = f"{unit.header}\n{unit.text}" if unit.header else unit.text
    return reader_passage(hit.chunk.title, hit.chunk.section_path, body)


@dataclass(frozen=True)
class ReadUnit:
    """One unit of one hit with the reader's logit and its value after the rank prior."""

    hit: SearchHit
    unit: Unit
    logit: float
    value: float


def procedure_units(
    hit: SearchHit, hits: Sequence[SearchHit], lookup: SectionLookup | None
) -> list[Unit]:
    """Each run of numbered steps through ``hit``'s chunk, read across its whole section
    (``section_runs``), as one ``PROCEDURE`` unit: a terse "what are the steps" question is
    answered by the run, not by any one step."""
    units: list[Unit] = []
    for run in section_runs(hit, hits, lookup):
        position = next(u.position for m, u in run if m.chunk.chunk_id == hit.chunk.chunk_id)
        units.append(Unit(run_text(run), UnitKind.PROCEDURE, position))
    return units


def readable_units(
    hit: SearchHit, hits: Sequence[SearchHit], lookup: SectionLookup | None, whole: bool
) -> list[Unit]:
    """The units of a hit the reader reads: every quotable unit but a table's header row
    (read with each row: it states no fact alone), and with ``whole`` each run of steps as
    one unit too."""
    single = [u for u in quotable_units(hit.chunk) if u.kind is not UnitKind.TABLE_HEADER]
    if not whole or not any(u.kind is UnitKind.STEP for u in single):
        return single  # a run read whole must hold a step of this chunk: no section lookup
    return [*single, *procedure_units(hit, hits, lookup)]


def procedure_start(
    best: ReadUnit, hits: Sequence[SearchHit], lookup: SectionLookup | None
) -> tuple[SearchHit, Unit] | None:
    """Where a procedure answer starts, if it is one: a chosen step itself, a ``PROCEDURE``
    unit's first step (in whichever chunk of the section holds it), or, for a sentence or
    bullet of a section that holds one run of steps, that run's first step: the sentence
    introduces or qualifies the procedure ("P-301 and P-302 swap duty every Monday ..."), and
    an answer of that sentence alone leaves out how it is done."""
    if best.unit.kind is UnitKind.PROCEDURE:
        for run in section_runs(best.hit, hits, lookup):
            if run_text(run) == best.unit.text:
                return run[0]
    if best.unit.kind in (UnitKind.SENTENCE, UnitKind.ITEM):
        return section_procedure(best.hit, hits, lookup)
    return (best.hit, best.unit) if best.unit.kind is UnitKind.STEP else None


def with_lead(best: ReadUnit, steps: list[Quote]) -> list[Quote]:
    """A procedure's quotes with the best unit (not a step) in its place in the document."""
    if best.unit.kind in _STEPS:
        return steps
    for quote in steps:
        if quote.hit.chunk.chunk_id == best.hit.chunk.chunk_id:
            units = sorted({*quote.units, best.unit}, key=lambda u: u.position)
            return [Quote(q.hit, units) if q is quote else q for q in steps]
    lead = Quote(best.hit, [best.unit])
    return sorted([lead, *steps], key=lambda q: q.hit.chunk.ordinal)


def read_units(
    reader: Reranker,
    question: str,
    hits: Sequence[SearchHit],
    settings: AnswerSettings,
    lookup: SectionLookup | None = None,
) -> list[ReadUnit]:
    """Every quotable unit of the top hits, read by the reader, best value first."""
    top = sorted(hits, key=lambda h: (h.rank, -h.score))[: settings.reader_candidates]
    pairs = [
        (i, h, u)
        for i, h in enumerate(top)
        if not is_reference_list(h.chunk)
        for u in readable_units(h, hits, lookup, settings.reader_read_procedures)
    ]
    pairs = pairs[: settings.reader_max_units]
    if not pairs:
        return []
    scores = reader.score(question, [unit_passage(h, u) for _, h, u in pairs])
    prior = settings.reader_rank_prior
    read = [
        ReadUnit(h, u, logit(p), logit(p) - prior * math.log1p(i))
        for (i, h, u), p in zip(pairs, scores, strict=True)
    ]
    return sorted(read, key=lambda r: (-r.value, r.hit.rank, r.unit.position))


def hit_order(read: Sequence[ReadUnit], hits: Sequence[SearchHit]) -> list[SearchHit]:
    """Hits by their best unit's value; hits the reader did not read follow in fused order."""
    seen: dict[str, SearchHit] = {}
    for r in read:
        seen.setdefault(r.hit.chunk.chunk_id, r.hit)
    rest = [h for h in sorted(hits, key=lambda h: h.rank) if h.chunk.chunk_id not in seen]
    return [*seen.values(), *rest]


def support_evidence(read: Sequence[ReadUnit], hits: Sequence[SearchHit]) -> SupportEvidence:
    """The best unit's logit and the embedder's best cosine among ``hits`` (a hit found by
    keywords only has none; with no cosine at all it is 0)."""
    cosines = [h.dense_score for h in hits if h.dense_score is not None]
    return SupportEvidence(
        reader_logit=read[0].logit if read else -20.0,
        similarity=max(cosines, default=0.0),
    )


def by_chunk(taken: Sequence[ReadUnit]) -> list[Quote]:
    """Chosen units as one quote per chunk, chunks in the order first chosen, units in
    document order."""
    quotes: dict[str, Quote] = {}
    for r in taken:
        quotes.setdefault(r.hit.chunk.chunk_id, Quote(r.hit, [])).units.append(r.unit)
    for quote in quotes.values():
        quote.units.sort(key=lambda u: u.position)
    return list(quotes.values())


class ReaderAnswerer:
    """Implements :class:`core.ports.Answerer` with a reader model deciding every choice."""

    name = "reader"

    def __init__(
        self,
        reader: Reranker,
        settings: AnswerSettings | None = None,
        section_lookup: SectionLookup | None = None,
    ) -> None:
        self.reader = reader
        self.settings = settings or AnswerSettings()
        self.section_lookup = section_lookup

    def answer(self, question: str, hits: list[SearchHit], role: Role) -> Answer:
        """Answer from ``hits`` only, or abstain naming the closest in-scope documents."""
        read = read_units(self.reader, question, hits, self.settings, self.section_lookup)
        ordered = hit_order(read, hits)
        evidence = support_evidence(read, hits)
        support = self.settings.support.probability(evidence) if read else 0.0
        if not read or support < self.settings.reader_threshold:
            answer = abstention(ordered, self.settings.closest_documents, support, self.name)
        else:
            quotes, beside, procedure = self._quotes(read, ordered)
            cited = [q.hit.chunk for q in (*quotes, *beside)]
            notices = collect_notices(cited, ordered, self.section_lookup)
            # a procedure's steps stay whole even when a step is also a notice
            quotes = without_notices(quotes, notices, keep=_STEPS if procedure else ())
            quotes = [*quotes, *without_notices(beside, notices)]
            answer = compose(quotes, notices, ordered, procedure, support)
        return answer.model_copy(update={"answerer": self.name, "support_evidence": evidence})

    def _quotes(
        self, read: list[ReadUnit], hits: list[SearchHit]
    ) -> tuple[list[Quote], list[Quote], bool]:
        """The quotes, the units quoted beside a procedure, and whether the quotes are one
        procedure's steps."""
        best = read[0]
        start = procedure_start(best, hits, self.section_lookup)
        steps = procedure_quotes(*start, hits, self.section_lookup) if start else []
        if steps:
            return with_lead(best, steps), self._beside_steps(read, steps), True
        s = self.settings
        taken: list[ReadUnit] = []
        for r in read:
            if r.value < best.value - s.reader_unit_margin or len(taken) >= s.max_sentences:
                break
            if r.unit.kind is UnitKind.PROCEDURE:  # its steps are quoted one by one
                continue
            chunks = {t.hit.chunk.chunk_id for t in taken}
            if r.hit.chunk.chunk_id not in chunks and len(chunks) >= s.max_sources:
                continue
            taken.append(r)
        return by_chunk(taken), [], False

    def _beside_steps(self, read: list[ReadUnit], steps: list[Quote]) -> list[Quote]:
        """Units outside the quoted procedure that the reader scores within the unit margin of
        its best step (a target value in a table, a limit in another section): at most
        ``procedure_extra_units``, best first, shown after the steps."""
        s = self.settings
        in_steps = {q.hit.chunk.chunk_id for q in steps}
        floor = read[0].value - s.reader_unit_margin
        taken: list[ReadUnit] = []
        for r in read[1:]:
            if r.value < floor or len(taken) >= s.procedure_extra_units:
                break
            if r.unit.kind not in _STEPS and r.hit.chunk.chunk_id not in in_steps:
                taken.append(r)
        return by_chunk(taken)
