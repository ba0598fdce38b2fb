"""Reading an asset-history question: which assets, which period, which kind of event.

Its output is shown to the user as the criterion of the count ("3 work orders on P-302 in 2025,
closest to 'leak'"), so a reader can check it. Parts:

* the assets: tags, aliases or what the register calls them (``services.asset_mentions``);
* the period (``services.periods``): "this year", "last quarter", "since March", "in May 2025",
  "the last 3 months"...; none means all records;
* the topic: the remaining content words, stemmed (``leaked`` -> ``leak``). Which of them the
  records use, and which records they pick, is decided against the records themselves
  (``services.asset_rows``), not here. Words that only say "something went wrong"
  (``failure``, ``repair``) and exclusions ("not counting PM") restrict to corrective records.

:func:`is_history_question` asks for a count of past events ("how many times", "how often has"),
a past occurrence ("happened before", "what fixed the last ..."), or is a bare phrase with a
period ("BLR-1 leaks this year?"). Schedules ("how often is it greased") and quantities ("how
many bottles", unless bottles are what the records are about) are not history. Measured on
blind sets (README, "Assets and cross-site learning").
"""

from __future__ import annotations

import re
from datetime import date

from pydantic import BaseModel

from core.assets import TagResolver
from services.asset_mentions import STOP_WORDS, find_assets, stem_words
from services.periods import MONTHS, Period, find_period

_WORD = re.compile(r"[A-Za-z0-9]+")
_EVENTS = (
    r"(?:times?|work ?orders?|wos?|jobs?|failures?|breakdowns?|leaks?|incidents?|repairs?"
    r"|faults?|trips?|jams?|stoppages?|callouts?|call-outs?)"
)
# A count of past events: "how many" / "number of" / "count" with an event word anywhere
# ("ROB-3 work orders this year, how many?"), or "how often has/did"; not a schedule ("how
# often is it greased") nor a quantity ("how many bottles") unless a period is named.
_COUNT_CUE = re.compile(r"\b(?:how many|number of|count|tally)\b", re.IGNORECASE)
_HOW_MANY = re.compile(r"\b(?:how many|number of)\s+(.*)", re.IGNORECASE)
_WH = re.compile(r"\b(?:why|what|which|who|when|where|how)\b", re.IGNORECASE)
_EVENT = re.compile(r"\b" + _EVENTS + r"\b", re.IGNORECASE)
_OFTEN = re.compile(r"\bhow (?:often|frequently) (?:has|have|had|did|was|were)\b", re.IGNORECASE)
_PAST = re.compile(
    r"\b(?:happened (?:before|again)|(?:this|it) (?:happen|occur)\w* (?:before|previously)"
    r"|ever (?:had|been|failed|leaked)|last time|history of|previous(?:ly)? " + _EVENTS
    + r"|the last \w+(?: \w+)? " + _EVENTS + r"|what fixed|recurr\w*|repeat(?:ed)? " + _EVENTS
    + r"|(?:when|what) (?:did|was|were) (?:we|it|they) last|last (?:replaced|changed|serviced|fixed))",
    re.IGNORECASE,
)  # fmt: skip
# "not counting the monthly changeovers", "non-PM", "excluding PM": what follows is left out of
# the topic, and what people leave out of a count of jobs is planned work.
_EXCLUDE = re.compile(
    r"\b(?:non[- ]?pm|not (?:counting|including)|excluding|except(?: for)?|other than"
    r"|apart from|ignoring|leaving out|besides)\b[^,.;?!]*",
    re.IGNORECASE,
)
_INCIDENT = re.compile(r"\b(?:incidents?|near[- ]miss\w*|accidents?)\b", re.IGNORECASE)
_GENERIC = {
    "fail", "failur", "break", "broke", "broken", "breakdown", "problem", "issu", "fault",
    "troubl", "wrong", "happen", "occur", "incid", "event", "repair", "fix", "correct",
}  # fmt: skip


class HistoryQuery(BaseModel):
    """What a history question asks about."""

    tags: list[str]
    """Canonical tags the question names (usually one; "P-301/P-302" names two)."""
    period: Period | None = None
    topic: list[str] = []
    """Stems a record must contain (failure mode or text); empty means any record."""
    topic_words: list[str] = []
    corrective_only: bool = False
    count: bool = False
    """A count question: zero matching records is an answer, not a reason to fall back."""
    count_nouns: list[str] = []
    """What "how many" counts when it is not an event word: a record word, or not history."""
    incidents_first: bool = False
    """The question asks about incidents: list them before work orders."""

    @property
    def label(self) -> str:
        """The asked assets as an answer names them ("P-301 and P-302")."""
        return " and ".join(self.tags)


def is_count_question(question: str, has_period: bool = False) -> bool:
    """True when the question asks how many times something happened (or, with a period,
    how many of something: the records decide whether that something is a record, see
    :attr:`HistoryQuery.count_nouns`)."""
    if _OFTEN.search(question):
        return True
    return bool(_COUNT_CUE.search(question)) and (has_period or bool(_EVENT.search(question)))


def is_history_question(question: str, has_period: bool = False) -> bool:
    """True when the question asks for a count or a past occurrence, or is a bare phrase with
    a period ("BLR-1 leaks this year?"); "why did ... in May" asks the documents."""
    bare_period = has_period and not _WH.search(question)
    return bare_period or is_count_question(question, has_period) or bool(_PAST.search(question))


def _count_nouns(question: str, spans: set[int]) -> list[str]:
    """Stems of the first two content words after "how many" when no event word follows it
    ("how many duty changeovers", "how many bottles"); empty otherwise."""
    match = _HOW_MANY.search(question)
    if match is None or _EVENT.search(" ".join(match[1].split()[:4])):
        return []
    offset = len(_WORD.findall(question[: match.start(1)]))
    after = [
        w.lower()
        for i, w in enumerate(_WORD.findall(match[1]), start=offset)
        if i not in spans and w.lower() not in STOP_WORDS and not w.isdigit()
    ]
    return [s for s in stem_words(after[:2]) if s not in _GENERIC]


def parse_history(question: str, resolver: TagResolver, today: date) -> HistoryQuery | None:
    """The history query of ``question``, or None when it is not one about a known asset."""
    period = find_period(question, today)
    scoped = period is not None and period.scopes
    if not is_history_question(question, scoped):
        return None
    found = find_assets(question, resolver)
    if not found:
        return None
    spans = set().union(*(span for _, span in found))
    kept = _EXCLUDE.sub(" ", question)
    words = [w for i, w in enumerate(_WORD.findall(question)) if i not in spans]
    words = [w for w in words if w in _WORD.findall(kept)]
    content = [w.lower() for w in words if w.lower() not in STOP_WORDS and not w.isdigit()]
    said = set(_WORD.findall(period.phrase.lower())) if period else set()
    content = [w for w in content if w not in MONTHS and w not in said and not _is_year(w)]
    stems = stem_words(content)
    topic = [
        (s, w) for s, w in zip(stems, content, strict=True) if s not in _GENERIC and len(s) > 2
    ]
    return HistoryQuery(
        tags=[tag for tag, _ in found],
        period=period,
        topic=[s for s, _ in topic],
        topic_words=[w for _, w in topic],
        corrective_only=any(s in _GENERIC for s in stems) or kept != question,
        count=is_count_question(question, scoped),
        count_nouns=_count_nouns(question, spans),
        incidents_first=bool(_INCIDENT.search(question)),
    )


def _is_year(word: str) -> bool:
    return len(word) == 4 and word.isdigit()


def stems_of(text: str) -> set[str]:
    """Stems of the words of a record (its failure mode, symptom and action)."""
    return set(stem_words([w.lower() for w in _WORD.findall(text)]))


def matches_topic(stems: set[str], topic: list[str]) -> bool:
    """True when every topic stem is a prefix of some record stem (``leak`` ~ ``leakag``)."""
    return all(
        any(s.startswith(t) or (t.startswith(s) and len(s) > 3) for s in stems) for t in topic
    )
