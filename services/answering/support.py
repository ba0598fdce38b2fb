"""The support score: how well the retrieved, in-scope chunks cover what the question asks.

This is the number the abstention decision is made on, and the hook the evaluation harness
sweeps (``eval/support_calibration.py``). It is lexical on purpose: it does not depend on the
retriever's score scale (reciprocal-rank fusion scores are rank-based and not comparable across
queries), so one threshold works for any retriever that puts the right chunk in its top hits.

For each of the top hits::

    chunk_cov  = weighted share of the question's content terms found in title, section,
                 assets and text of the chunk
    unit_cov   = the same share for the chunk's best single sentence / step / table row
    id_factor  = 0.5 + 0.5 * share of the question's asset tags found in the chunk (1 if none)
    support    = (0.5 * chunk_cov + 0.5 * unit_cov) * id_factor

and the question's support is the best hit's. Term weights are BM25-style inverse document
frequencies over the retrieved chunks (a term no chunk contains weighs most, which is what
makes an unanswerable question score low), doubled for tags (``conv-3``) and x1.5 for numbers.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass

from pydantic import BaseModel

from core.answers import SearchHit
from core.models import Chunk
from services.answering.evidence import (
    chunk_context,
    context_terms,
    own_heading_terms,
    quotable_units,
    table_subject,
    unit_evidence,
)
from services.answering.evidence import text_terms as _terms
from services.answering.question_shape import asks_for_quantity, focus_terms, verb_terms
from services.answering.text import (
    CAUSE_TERM,
    aliases,
    content_terms,
    is_identifier,
    is_number,
    stem,
    tokens,
)


def covers(term: str, evidence: AbstractSet[str]) -> bool:
    """True when the term, or one of its aliases, is in the evidence."""
    return term in evidence or not aliases(term).isdisjoint(evidence)


@dataclass(frozen=True)
class QuestionProfile:
    """The question's content terms with their weights, and which of them are asset tags."""

    weights: dict[str, float]
    identifiers: frozenset[str]
    focus: tuple[str, ...] = ()
    wants_value: bool = False

    @property
    def total(self) -> float:
        """Sum of all weights (0 for a question without content words)."""
        return sum(self.weights.values())

    def coverage(self, evidence: set[str]) -> float:
        """Weighted share of the question's terms present in ``evidence`` (0..1).

        A term also counts as present through one of its :data:`ALIASES` (ppe -> gloves...).
        """
        total = self.total
        if total <= 0:
            return 0.0
        return sum(w for t, w in self.weights.items() if covers(t, evidence)) / total

    def residual(self, known: set[str]) -> QuestionProfile:
        """The terms not already answered by ``known`` (e.g. a chunk's title); self if none."""
        left = {t: w for t, w in self.weights.items() if not covers(t, known)}
        if not left:
            return self
        return QuestionProfile(left, self.identifiers, self.focus, self.wants_value)

    def focus_factor(self, evidence: set[str]) -> float:
        """1.0 when the evidence names what the question asks for, 0.55 when it names half of
        it, 0.4 when none: a passage about the right asset that lacks the asked-for attribute
        ("solids specification" answered with a pH specification) must not pass as support."""
        if not self.focus:
            return 1.0
        share = sum(1 for t in self.focus if covers(t, evidence)) / len(self.focus)
        return 0.4 + 0.6 * share**2

    def id_factor(self, evidence: set[str]) -> float:
        """1.0 when every asset tag of the question is in ``evidence``, down to 0.5 for none."""
        if not self.identifiers:
            return 1.0
        found = sum(1 for t in self.identifiers if covers(t, evidence))
        return 0.5 + 0.5 * found / len(self.identifiers)


IDF_MIX = 0.5
"""Share of a term's weight that comes from its rarity among the hits (the rest is flat)."""
ABSENT_VERB_WEIGHT = 0.3
"""Weight factor of a verb that no retrieved chunk contains (``verb_terms``)."""
ENTITY_BOOST = 1.5
"""Extra weight of capitalised words and acronyms (product names, CIP, ATP)."""
_ENTITY = re.compile(r"(?<![.?!]\s)(?<!^)\b[A-Z][A-Za-z]+")
_ACRONYM = re.compile(r"\b[A-Z]{2,6}s?\b")


def acronyms(question: str) -> set[str]:
    """Stems of the question's acronyms (PET, PBT, SCR): names of a material or a system,
    which a passage must name to be about it; "dry PET at" is not answered by the PC row."""
    return {stem(w.lower()) for w in _ACRONYM.findall(question)}


def entities(question: str) -> set[str]:
    """Stems of capitalised words that do not start a sentence: names, acronyms."""
    return {stem(w.lower()) for w in _ENTITY.findall(question.strip())}


def profile(question: str, hits: Sequence[SearchHit]) -> QuestionProfile:
    """Weigh the question's content terms by how rare they are among the retrieved chunks.

    ``weight = (1 - IDF_MIX) + IDF_MIX * idf`` with a BM25 idf over the hits, times 2 for
    tags, 1.5 for numbers and ``ENTITY_BOOST`` for capitalised words.
    """
    terms = content_terms(question)
    named = entities(question)
    verbs = verb_terms(question) - set(focus_terms(question))
    docs = [_terms(chunk_context(h.chunk)) for h in hits]
    n = len(docs)
    weights: dict[str, float] = {}
    for term in terms:
        df = sum(1 for d in docs if covers(term, d))
        idf = math.log(1.0 + (n - df + 0.5) / (df + 0.5))
        boost = 2.0 if is_identifier(term) else 1.5 if is_number(term) else 1.0
        if term in named:
            boost *= ENTITY_BOOST
        elif df == 0 and term in verbs:
            boost *= ABSENT_VERB_WEIGHT
        weights[term] = ((1.0 - IDF_MIX) + IDF_MIX * idf) * boost
    focus = tuple(t for t in focus_terms(question) if t in weights or t == CAUSE_TERM)
    named_things = acronyms(question) & set(weights)
    ids = frozenset(t for t in terms if is_identifier(t) or t in named_things)
    return QuestionProfile(weights, ids, focus, asks_for_quantity(question))


class HitSupport(BaseModel):
    """How well one hit supports the question; ``score`` feeds the abstention decision."""

    rank: int
    chunk_id: str
    chunk_coverage: float
    unit_coverage: float
    id_factor: float
    score: float


def hit_support(prof: QuestionProfile, hit: SearchHit) -> HitSupport:
    """Score one hit as documented in the module docstring."""
    context = context_terms(hit.chunk)
    chunk_cov = prof.coverage(context)
    subject = table_subject(hit.chunk)
    units = [unit_evidence(u, subject) for u in quotable_units(hit.chunk)]
    unit_cov = max((prof.coverage(u) for u in units), default=0)
    factor = prof.id_factor(context) * _focus_factor(prof, hit.chunk, context, units)
    return HitSupport(
        rank=hit.rank,
        chunk_id=hit.chunk.chunk_id,
        chunk_coverage=round(chunk_cov, 4),
        unit_coverage=round(unit_cov, 4),
        id_factor=factor,
        score=round((0.5 * chunk_cov + 0.5 * unit_cov) * factor, 4),
    )


def _focus_factor(
    prof: QuestionProfile, chunk: Chunk, context: set[str], units: list[set[str]]
) -> float:
    """The focus factor of a chunk; for a question asking for a value, of its best single unit
    read with its section heading: the value quoted must be the asked-for attribute's ("what
    regeneration temperature" is not answered by a drying temperature row because the
    procedure elsewhere mentions regeneration)."""
    if not (prof.wants_value and prof.focus):
        return prof.focus_factor(context)
    heading = own_heading_terms(chunk)
    return max((prof.focus_factor(u | heading) for u in units), default=prof.focus_factor(set()))


def rank_hits(hits: Sequence[SearchHit]) -> list[SearchHit]:
    """Hits best first (by rank, then score), whatever order the caller passed them in."""
    return sorted(hits, key=lambda h: (h.rank, -h.score, h.chunk.chunk_id))


_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=\S)")


def ask_clause(question: str) -> str | None:
    """For a question with context sentences before it ("Just changed CAPPER-1 over. How many
    bottles do I check?"), the asking sentence with the context's asset tags; else None.

    The context's other words rarely appear in the answer passage and would dilute support.
    """
    sentences = [s for s in _SENTENCE.split(question.strip()) if s]
    if len(sentences) < 2:
        return None
    asking = next((s for s in reversed(sentences) if "?" in s), sentences[-1])
    context = " ".join(s for s in sentences if s is not asking)
    tags = [t for t in tokens(context) if is_identifier(t)]
    return " ".join([*dict.fromkeys(tags), asking])


def best_profile(
    question: str, hits: Sequence[SearchHit], top: int
) -> tuple[QuestionProfile, list[HitSupport]]:
    """The profile (whole question, or its asking sentence: see :func:`ask_clause`) whose best
    of the ``top`` hits supports it most, with every hit's support under it."""
    texts = [question, *filter(None, [ask_clause(question)])]
    scored = []
    for text in texts:
        prof = profile(text, hits)
        scored.append((prof, [hit_support(prof, h) for h in hits]))

    def best_score(item: tuple[QuestionProfile, list[HitSupport]]) -> float:
        return max((s.score for s in item[1][:top]), default=0.0)

    return max(scored, key=best_score)  # ties: the whole question (first)


DENSE_CENTER = 0.5
"""MiniLM cosine at which the dense signal neither adds nor removes support."""


def with_dense(lexical: float, hits: Sequence[SearchHit], weight: float) -> float:
    """Lexical support plus ``weight`` x (best dense cosine among the hits - 0.5).

    Word overlap misses paraphrases ("what was really going on?") and is fooled by look-alike
    passages; the embedding similarity of the best passage is a second, independent opinion.
    Hits without a dense score (keyword-only, or a fake retriever) leave the support as is.
    """
    dense = [h.dense_score for h in hits if h.dense_score is not None]
    if weight == 0.0 or not dense:
        return lexical
    return lexical + weight * (max(dense) - DENSE_CENTER)


@dataclass(frozen=True)
class Assessment:
    """How well the hits support a question: the profile used, every hit's support (in rank
    order) and the question's support score, the number the abstention decision is made on."""

    profile: QuestionProfile
    supports: list[HitSupport]
    score: float


def assess(
    question: str, hits: Sequence[SearchHit], top: int = 5, dense_weight: float = 0.0
) -> Assessment:
    """The best of the ``top`` hits' scores (plus the dense signal when ``dense_weight`` is
    set); 0.0 without hits. The one computation both ``ask`` and the calibration sweep use, so
    the threshold is calibrated on exactly the number the answerer compares with it."""
    ordered = rank_hits(hits)
    prof, supports = best_profile(question, ordered, top)
    lexical = max((s.score for s in supports[:top]), default=0.0)
    return Assessment(prof, supports, with_dense(lexical, ordered, dense_weight))


def support_score(
    question: str, hits: Sequence[SearchHit], top: int = 5, dense_weight: float = 0.0
) -> float:
    """The question's support score (:func:`assess`).

    The evaluation harness calls this for every golden question and sweeps the threshold
    (``AnswerSettings.abstain_threshold``) over the results.
    """
    return assess(question, hits, top, dense_weight).score
