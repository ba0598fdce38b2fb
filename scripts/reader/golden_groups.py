"""Groups from labelled questions: what the answer path really reads, labelled by a person.

A development question set (``eval/golden/<set>.jsonl``) says, for each question asked by a
role at a site, whether the asker's documents answer it, which document (and section) does,
and which key facts an answer must quote. Once a set has been scored it is a development set;
this module turns such sets into training groups for the reader, so the reader learns the
answer-or-abstain boundary on questions people wrote, not only on LLM-written ones.

For each question the real answer path runs up to the reader (scoped hybrid search, the
manual applicability filter, the units the answerer would read, ``reader.read_units``'s
candidate rules), and:

* an **answerable** question gives one group per answering unit (at most ``positives_per``):
  a unit of a relevant document (and section, where the set names one) that contains one of
  the question's key facts, read or not (a unit retrieval missed still answers), then the
  read units that share the most question terms, skipping the relevant sections' other units
  (a neighbouring step may answer in part: no label is better than a wrong one);
* an **unanswerable question or permission probe** gives one all-negative group: the read
  units that share the most question terms (what the asker's own scope offers instead).

Negatives are chosen by term overlap and fused rank, never by a reader's score, so the
groups do not depend on the model being replaced; unless a ``miner`` reader is given
(``--golden-mine-with``, ``eval/calibration/reader_v14.md``): then the negatives are the units
that reader scores highest, its own mistakes (hard-negative mining). Questions answered from
asset history (work-order counts) never reach the reader and are skipped.

A few units are read for very many questions (each site's lockout SOP is read for most
maintenance questions): left alone, the three lockout SOPs' units are negatives 823 times and
positives 42 times, which invites a reader to score those passages low whatever is asked.
``cap_negatives`` limits how often one passage may be a negative, so a label teaches the pair,
not the passage (candidate v8, ``eval/calibration/reader_v8.md``; it did not fix v7's refusals
of terse safety questions, which came from the support weights).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from datetime import date
from functools import partial
from pathlib import Path

from core.answers import SearchHit
from core.models import AccessScope, Chunk
from core.ports import Reranker
from eval.golden_set import GoldenCase, load_golden
from eval.metrics import normalise
from scripts.reader.groups import Group, bucket
from scripts.reader.unit_groups import UnitRef
from services.answering.evidence import is_reference_list, unit_evidence
from services.answering.reader import readable_units
from services.answering.safety import IndexSectionLookup, SectionLookup
from services.answering.text import content_terms
from services.answering.units import UnitKind
from services.wiring import Components


@dataclass(frozen=True)
class Candidate(UnitRef):
    """A unit the answerer would read for a question, with its hit's fused rank."""

    rank: int = 0


def readable_candidates(
    hit: SearchHit,
    hits: Sequence[SearchHit] = (),
    lookup: SectionLookup | None = None,
    procedures: bool = False,
) -> list[Candidate]:
    """What the answerer reads of ``hit`` (``reader.readable_units``), with its fused rank;
    with ``procedures`` each run of steps read whole too."""
    if is_reference_list(hit.chunk):
        return []
    return [
        Candidate(hit.chunk, u, hit.rank) for u in readable_units(hit, hits, lookup, procedures)
    ]


def _in_relevant_section(case: GoldenCase, chunk: Chunk) -> bool:
    for ref in case.relevant:
        if chunk.doc_id != ref.doc_id:
            continue
        wanted = normalise(ref.section) if ref.section else None
        if wanted is None or any(normalise(p) == wanted for p in chunk.section_path):
            return True
    return False


def _answers(case: GoldenCase, cand: Candidate, run_steps: int = 1) -> bool:
    """True when ``cand`` holds a key fact in a relevant section; a run of steps read whole
    must hold key facts on at least ``run_steps`` of its lines (a question about the
    procedure, not about one line of it: reader_v11.md saw long runs rewarded otherwise)."""
    unit = cand.unit
    text = normalise(f"{unit.header}\n{unit.text}" if unit.header else unit.text)
    facts = [f for f in map(normalise, case.must_include) if f]
    if not _in_relevant_section(case, cand.chunk) or not any(f in text for f in facts):
        return False
    if unit.kind is not UnitKind.PROCEDURE or run_steps <= 1:
        return True
    lines = [normalise(line) for line in unit.text.splitlines()]
    return sum(any(f in line for f in facts) for line in lines) >= run_steps


def _by_overlap(question: str, cands: Sequence[Candidate]) -> list[Candidate]:
    """Candidates sharing the most question terms first; fused rank, then position, next."""
    terms = set(content_terms(question))
    return sorted(
        cands,
        key=lambda c: (-len(terms & unit_evidence(c.unit)), c.rank, c.unit.position),
    )


def by_reader(reader: Reranker, question: str, cands: Sequence[Candidate]) -> list[Candidate]:
    """Candidates ``reader`` scores highest first (its likeliest mistakes, once the answering
    units are set aside); fused rank, then position, break ties."""
    scores = reader.score(question, [c.passage for c in cands]) if cands else []
    order = sorted(range(len(cands)), key=lambda i: (-scores[i], cands[i].rank, i))
    return [cands[i] for i in order]


Order = Callable[[str, Sequence[Candidate]], list[Candidate]]
"""How a question's candidate negatives are ranked: ``_by_overlap`` or a ``by_reader``."""


def case_groups(
    case: GoldenCase,
    cands: Sequence[Candidate],
    unread: Callable[[], list[Candidate]],
    negatives: int,
    positives_per: int,
    run_steps: int = 1,
    order: Order = _by_overlap,
) -> list[Group]:
    """Label what the answerer reads for ``case``: answering units first of their groups,
    everything read for an unanswerable question negative (see the module docstring).
    ``unread`` gives the answering units retrieval missed, asked for only when none was read;
    ``run_steps`` is :func:`_answers`'s bar for a run of steps read whole; ``order`` ranks the
    negatives."""
    key = f"golden:{case.id}"
    if not case.answerable:
        picked = [c.passage for c in order(case.question, cands)[: negatives + 1]]
        if len(picked) < 2:
            return []
        return [Group(case.question, picked, [0] * len(picked), "golden-none", key)]
    positives = [c for c in cands if _answers(case, c, run_steps)] or unread()
    others = [c for c in cands if not _in_relevant_section(case, c.chunk)]
    negs = [c.passage for c in order(case.question, others)[:negatives]]
    return [
        Group(case.question, [pos.passage, *negs], [1] + [0] * len(negs), "golden", key)
        for pos in positives[:positives_per]
    ]


class GoldenGroupBuilder:
    """Runs each question through the answer path up to the reader and labels the units."""

    def __init__(
        self,
        components: Components,
        negatives: int,
        positives_per: int,
        procedures: bool = False,
        run_steps: int = 1,
        miner: Reranker | None = None,
    ) -> None:
        self.components = components
        self.negatives = negatives
        self.positives_per = positives_per
        self.procedures = procedures
        self.run_steps = run_steps
        self.order: Order = partial(by_reader, miner) if miner is not None else _by_overlap
        self.lookup = IndexSectionLookup(components.index)
        self.current = [c.chunk for c in components.index.all_chunks() if c.current]

    def candidates(self, case: GoldenCase) -> list[Candidate] | None:
        """The units the answerer would read, or None when asset history answers."""
        from services.applicability import applicable_hits
        from services.ask import in_scope
        from services.asset_history import answer_history, mentioned_assets

        comp = self.components
        settings = comp.settings.answer
        scope = AccessScope(role=case.role, sites=frozenset({case.site}))
        today = case.as_of or date.today()
        matcher = comp.record_matcher()
        if answer_history(comp.db, scope, case.site, case.question, today, matcher):
            return None
        hits = in_scope(comp.retriever().search(case.question, scope, settings.retrieve_k), scope)
        tags = mentioned_assets(comp.db, case.site, case.question)
        usable, _ = applicable_hits(comp.db, case.site, tags, hits)
        top = sorted(usable, key=lambda h: (h.rank, -h.score))[: settings.reader_candidates]
        cands = [
            c for h in top for c in readable_candidates(h, usable, self.lookup, self.procedures)
        ]
        return cands[: settings.reader_max_units]

    def groups(self, case: GoldenCase) -> list[Group]:
        """The case's groups (none when history answers or no unit holds a key fact)."""
        cands = self.candidates(case)
        if cands is None:
            return []
        unread = partial(self._unread_positives, case)
        return case_groups(
            case, cands, unread, self.negatives, self.positives_per, self.run_steps, self.order
        )

    def _unread_positives(self, case: GoldenCase) -> list[Candidate]:
        """Answering units of relevant documents that retrieval did not bring to the reader."""
        docs = set(case.relevant_doc_ids)
        hits = [SearchHit(rank=99, chunk=c, score=0.0) for c in self.current if c.doc_id in docs]
        return [c for h in hits for c in readable_candidates(h) if _answers(case, c)]


def cap_negatives(groups: Sequence[Group], cap: int) -> list[Group]:
    """``groups`` with each passage a negative at most ``cap`` times more than it is a
    positive (0: no cap). Groups are visited in a stable hashed order, so which questions
    keep a frequent passage does not depend on the order of the sets; a group left with no
    passage is dropped, one left with only its positive still trains the absolute score."""
    if cap <= 0:
        return list(groups)
    used: Counter[str] = Counter()
    for g in groups:
        if g.has_positive:
            used[g.passages[0]] -= 1
    out: list[Group] = []
    for g in sorted(groups, key=lambda g: (bucket(f"cap:{g.key}:{g.passages[0]}"), g.key)):
        pairs = enumerate(zip(g.passages, g.labels, strict=True))
        keep = [i for i, (p, lab) in pairs if lab or used[p] < cap]
        for i in keep:
            if not g.labels[i]:
                used[g.passages[i]] += 1
        if keep:
            passages = [g.passages[i] for i in keep]
            labels = [g.labels[i] for i in keep]
            out.append(Group(g.query, passages, labels, g.source, g.key, dict(g.meta)))
    return out


def training_cases(paths: Sequence[Path], exclude: Collection[str] = ()) -> list[GoldenCase]:
    """The cases of ``paths`` a reader learns from: asset-count cases and the ids in ``exclude``
    left out (questions kept unseen, e.g. twins of the acceptance tests' questions). An id of
    ``exclude`` that no set holds is an error: a typo must not train on what it meant to keep
    out."""
    cases = [case for path in paths for case in load_golden(path)]
    left_out = set(exclude)
    unknown = left_out - {case.id for case in cases}
    if unknown:
        raise ValueError(f"excluded ids in no given set: {', '.join(sorted(unknown))}")
    return [c for c in cases if c.expected_count is None and c.id not in left_out]


def golden_groups(
    components: Components,
    paths: Sequence[Path],
    negatives: int,
    positives_per: int,
    negative_cap: int = 0,
    procedures: bool = False,
    run_steps: int = 1,
    exclude: Collection[str] = (),
    miner: Reranker | None = None,
) -> list[Group]:
    """Every group of every training case of the sets in ``paths`` (``training_cases``), with
    frequent negatives capped (``cap_negatives``); with ``procedures`` the runs of steps read
    whole are candidates too (``AnswerSettings.reader_read_procedures``), positives when they
    hold key facts on ``run_steps`` lines; with ``miner`` the negatives are that reader's
    highest-scored units (``by_reader``)."""
    builder = GoldenGroupBuilder(components, negatives, positives_per, procedures, run_steps, miner)
    out: list[Group] = []
    for case in training_cases(paths, exclude):
        out.extend(builder.groups(case))
    return cap_negatives(out, negative_cap)
