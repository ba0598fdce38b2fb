"""Source authority: procedures and manuals answer "what is / how do I", records answer "what
happened".

A work-order row or an incident report often shares every term of a question with the manual
section that answers it ("E57 on IMM-4?" matches both the alarm table and the work order that
once cleared E57), and short records win on BM25 length normalisation. A technician expects the
manual first, with the history as supporting evidence; someone asking what happened last time
expects the history, and so does a terse symptom report typed like a work order ("ROB-3
dropping parts": no question word, no question mark), which asks how it was fixed before. So,
unless the question is about the past, the fused score of a record
chunk is multiplied by ``record_weight`` (< 1) before the top k are taken. Deterministic; the
weight is a setting (1.0 turns it off).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from core.models import DocType

RECORD_TYPES = frozenset({DocType.WORK_ORDER, DocType.INCIDENT})
"""Doc types that record events rather than prescribe how things are done."""

_MONTHS = "january|february|march|april|may|june|july|august|september|october|november|december"
_HISTORY = re.compile(
    r"\b(?:did|was|were|happened|history|previous(?:ly)?|ago|recent(?:ly)?|ever"
    r"|last\s+(?:time|week|month|year|shift|night)|root\s+cause|caused|incidents?|deviations?"
    r"|work\s+orders?|wo-[a-z]+-\d+|inc-\d+|capa|(?:19|20)\d\d|" + _MONTHS + r")\b",
    re.IGNORECASE,
)


_QUESTION_WORD = re.compile(
    r"\b(?:what|how|when|where|why|which|who|whose|is|are|can|could|do|does|should|must|may"
    r"|shall|will|would|explain|describe|list|show|tell|give)\b",
    re.IGNORECASE,
)


def asks_about_history(question: str) -> bool:
    """True when the question is about past events (past tense, a date, "last time"...) or
    is a bare symptom report, which looks for past fixes."""
    return _HISTORY.search(question) is not None or is_symptom_report(question)


def is_symptom_report(question: str) -> bool:
    """A work-order style line: no question mark and no question word ("P-301 pressure low")."""
    text = question.strip()
    return not text.endswith("?") and _QUESTION_WORD.search(text) is None


def authority_weights(question: str, doc_types: Sequence[str], record_weight: float) -> list[float]:
    """The score multiplier of each candidate: ``record_weight`` for records unless the
    question is about the past, else 1.0."""
    if record_weight == 1.0 or asks_about_history(question):
        return [1.0] * len(doc_types)
    return [record_weight if t in RECORD_TYPES else 1.0 for t in doc_types]
