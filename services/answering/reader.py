"""Reader answers: a model that reads question and passage together decides, ranks and quotes.

The reader is a cross-encoder behind :class:`core.ports.Reranker`. It scores

1. each retrieved hit (its text, whose first line names the document and section):
   hits are re-ordered by that score; the best hit's probability is the answer's support score,
   and below ``reader_threshold`` the answer abstains, naming the closest documents;
2. each quotable unit (sentence, whole step, table row with its header) of the best hits, read
   under its chunk's header line (:func:`core.chunk_text.reader_passage`): the units that answer are quoted, in document order. When
   the best unit of the best hit is a numbered step, the whole run of steps of that section is
   quoted in order, continuing into the section's next chunks.

No word lists or question-shape rules decide anything here. Safety notices, citation numbering
and the answer layout are shared with the extractive answerer.
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
from services.answering.compose import Quote, abstention, compose, without_notices
from services.answering.evidence import quotable_units
from services.answering.procedure import section_members, step_runs
from services.answering.safety import SectionLookup, collect_notices
from services.answering.support import support_score
from services.answering.units import Unit, UnitKind


def logit(p: float) -> float:
    """A reader probability back on the logit scale, where margins between passages are even
    (probabilities crowd near 0 and 1)."""
    q = min(max(p, 1e-9), 1.0 - 1e-9)
    return math.log(q / (1.0 - q))


@dataclass(frozen=True)
class Judged:
    """A hit with the reader's probability that it answers the question (the reader's scores
    are probabilities: the sigmoid of the model's logit)."""

    hit: SearchHit
    p: float


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

    def judge(self, question: str, hits: Sequence[SearchHit]) -> list[Judged]:
        """The top hits by the reader's logit less a prior on their fused position, best first.

        A hit the retriever already reranked with this reader keeps its ``rerank_score``.
        """
        top = sorted(hits, key=lambda h: (h.rank, -h.score))[: self.settings.reader_candidates]
        missing = [h for h in top if h.rerank_score is None]
        fresh = self.reader.score(question, [_passage(h) for h in missing]) if missing else []
        scored = dict(zip((h.chunk.chunk_id for h in missing), fresh, strict=True))
        judged = [
            Judged(h, h.rerank_score if h.rerank_score is not None else scored[h.chunk.chunk_id])
            for h in top
        ]
        prior = self.settings.reader_rank_prior
        position = {j.hit.chunk.chunk_id: i for i, j in enumerate(judged)}

        def value(j: Judged) -> float:
            return logit(j.p) - prior * math.log1p(position[j.hit.chunk.chunk_id])

        return sorted(judged, key=lambda j: (-value(j), j.hit.rank))

    def answer(self, question: str, hits: list[SearchHit], role: Role) -> Answer:
        """Answer from ``hits`` only, or abstain naming the closest in-scope documents."""
        judged = self.judge(question, hits)
        ordered = [j.hit for j in judged]
        support = max((j.p for j in judged), default=0.0)
        decided, floor = self._answerability(question, hits, support)
        if decided < floor:
            return abstention(ordered, self.settings.closest_documents, decided, self.name)
        sources = [
            j
            for i, j in enumerate(judged[: self.settings.max_sources])
            if i == 0
            or (
                j.p >= self.settings.reader_threshold
                and j.p >= self.settings.reader_source_ratio * support
            )
        ]
        quotes, procedure = self._quotes(question, sources, ordered)
        if not quotes:
            return abstention(ordered, self.settings.closest_documents, support, self.name)
        notices = collect_notices([q.hit.chunk for q in quotes], ordered, self.section_lookup)
        if not procedure:
            quotes = without_notices(quotes, notices)
        answer = compose(quotes, notices, ordered, procedure, decided)
        return answer.model_copy(update={"answerer": self.name})

    def _answerability(
        self, question: str, hits: Sequence[SearchHit], best: float
    ) -> tuple[float, float]:
        """(score, threshold) the answer-or-abstain decision is made on: the lexical support
        score of the hits, or the reader's best probability (``reader_abstain``)."""
        s = self.settings
        if s.reader_abstain == "reader":
            return best, s.reader_threshold
        score = support_score(question, hits, s.support_hits, s.dense_support_weight)
        return score, s.abstain_threshold

    def _quotes(
        self, question: str, sources: list[Judged], hits: list[SearchHit]
    ) -> tuple[list[Quote], bool]:
        """The quotes (and whether they are one procedure's steps) for the chosen sources."""
        scored = self._score_units(question, sources)
        if not scored:
            return [], False
        best_logit, best_hit, best_unit = scored[0]
        if (
            best_unit.kind is UnitKind.STEP
            and best_hit.chunk.chunk_id == sources[0].hit.chunk.chunk_id
        ):
            steps = self._procedure(best_hit, best_unit, hits)
            if steps:
                return steps, True
        keep = [t for t in scored if t[0] >= best_logit - self.settings.reader_unit_margin]
        chosen: dict[str, Quote] = {}
        for _, hit, unit in keep[: self.settings.max_sentences]:
            chosen.setdefault(hit.chunk.chunk_id, Quote(hit, [])).units.append(unit)
        for quote in chosen.values():
            quote.units.sort(key=lambda u: u.position)
        order = {j.hit.chunk.chunk_id: i for i, j in enumerate(sources)}
        return sorted(chosen.values(), key=lambda q: order[q.hit.chunk.chunk_id]), False

    def _score_units(
        self, question: str, sources: list[Judged]
    ) -> list[tuple[float, SearchHit, Unit]]:
        """Every quotable unit of the sources with its reader logit, best first."""
        pairs = [(j.hit, u) for j in sources for u in quotable_units(j.hit.chunk)]
        if not pairs:
            return []
        texts = [
            reader_passage(
                h.chunk.title, h.chunk.section_path, f"{u.header}\n{u.text}" if u.header else u.text
            )
            for h, u in pairs
        ]
        probabilities = self.reader.score(question, texts)
        rank = {j.hit.chunk.chunk_id: i for i, j in enumerate(sources)}
        scored = [(logit(p), h, u) for p, (h, u) in zip(probabilities, pairs, strict=True)]
        scored.sort(key=lambda t: (-t[0], rank[t[1].chunk.chunk_id], t[2].position))
        return scored

    def _procedure(self, hit: SearchHit, unit: Unit, hits: list[SearchHit]) -> list[Quote]:
        """The run of steps holding ``unit``, then the runs of the section's later chunks that
        continue its numbering (a long procedure spans chunks)."""
        members = section_members(hit.chunk, hits, self.section_lookup)
        start = next(
            (i for i, m in enumerate(members) if m.chunk.chunk_id == hit.chunk.chunk_id), 0
        )
        quotes: list[Quote] = []
        last: int | None = None
        for member in members[start:]:
            units = quotable_units(member.chunk)
            runs = step_runs(units)
            if last is None:
                run = next((r for r in runs if r[0] <= units.index(unit) <= r[1]), None)
            else:
                run = next((r for r in runs if units[r[0]].step_number == last + 1), None)
            if run is None:
                break
            quotes.append(Quote(member, units[run[0] : run[1] + 1]))
            last = units[run[1]].step_number
        return quotes


def _passage(hit: SearchHit) -> str:
    """A hit as the reader reads it: its text, which starts with the chunk's header line."""
    return hit.text
