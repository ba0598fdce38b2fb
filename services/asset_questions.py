"""Reading an asset-history question: which asset, which period, which kind of event.

This is deliberately small and literal, because its output is shown to the user as the
criterion of the count ("3 work orders on P-302 in 2025 matching 'leak'"), so a reader can
check it. Three parts:

* the asset: the longest run of question words whose spelling-free key is a tag or alias
  of the site (``Filler 2``, ``IMM-4``, ``press 4``);
* the period: an explicit year, ``this year``/``last year``, ``last/past N days|weeks|months``,
  or ``since <month> [year]`` / ``since YYYY-MM-DD``; none means all records;
* the topic: the remaining content words, stemmed (``leaked`` -> ``leak``). Words that only say
  "something went wrong" (``failure``, ``problem``) restrict to corrective records instead.

:func:`is_history_question` asks for a count of past events ("how many times", "how often has")
or a past occurrence ("happened before", "what fixed the last ..."): a short list of English cue
phrases. Schedules ("how often is it greased") and quantities ("how many bottles") are not
history. Measured on a blind set (README, "Assets and cross-site learning").
"""

from __future__ import annotations

import re
from datetime import date, timedelta

import Stemmer  # PyStemmer, installed with bm25s
from pydantic import BaseModel

from core.assets import tag_key

_WORD = re.compile(r"[A-Za-z0-9]+")
_EVENTS = (
    r"(?:times?|work ?orders?|wos?|jobs?|failures?|breakdowns?|leaks?|incidents?|repairs?"
    r"|faults?|trips?|jams?|stoppages?|callouts?|call-outs?)"
)
# Counts of past events ("how many times", "how often has ... failed"), not schedules ("how
# often is it greased") and not quantities ("how many bottles"), and past occurrences.
_COUNT = re.compile(
    r"\b(?:how many " + _EVENTS + r"|number of " + _EVENTS
    + r"|how (?:often|frequently) (?:has|have|had|did|was|were)\b)",
    re.IGNORECASE,
)  # fmt: skip
_PAST = re.compile(
    r"\b(?:happened (?:before|again)|(?:this|it) (?:happen|occur)\w* (?:before|previously)"
    r"|ever (?:had|been|failed|leaked)|last time|history of|previous(?:ly)? " + _EVENTS
    + r"|the last \w+(?: \w+)? " + _EVENTS + r"|what fixed|recurr\w*|repeat(?:ed)? " + _EVENTS + r")",
    re.IGNORECASE,
)  # fmt: skip
_MONTHS = {
    m: i
    for i, m in enumerate(
        [
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        ],
        start=1,
    )
}
_GENERIC = {
    "fail", "failur", "break", "broke", "broken", "breakdown", "problem", "issu", "fault",
    "troubl", "wrong", "happen", "occur", "incid", "event", "repair", "fix", "correct",
}  # fmt: skip
_STOP = {
    "a", "an", "the", "on", "in", "at", "of", "for", "to", "and", "or", "is", "was", "were",
    "be", "been", "has", "have", "had", "did", "do", "does", "it", "this", "that", "these",
    "what", "when", "which", "who", "how", "often", "many", "much", "time", "times", "ever",
    "before", "again", "last", "latest", "previous", "previously", "year", "years", "month",
    "months", "week", "weeks", "day", "days", "since", "so", "far", "we", "our", "us", "i",
    "there", "any", "all", "past", "number", "count", "history", "recent", "recently",
    "most", "first", "same", "with", "from", "by", "got", "get", "done", "tell", "me",
    "show", "list", "can", "you", "please", "yet", "already", "frequently",
    "machine", "asset", "equipment", "unit", "work", "order", "orders", "wo", "record", "records",
    "kind", "type", "sort", "like", "about", "up", "out", "back", "still", "now", "here",
    "new", "old", "one", "more", "than", "over", "under", "during", "between", "after",
}  # fmt: skip
_STEMMER = Stemmer.Stemmer("english")


class Period(BaseModel):
    """A closed date range, with the words that describe it in an answer."""

    start: date
    end: date
    label: str


class HistoryQuery(BaseModel):
    """What a history question asks about."""

    tag: str
    period: Period | None = None
    topic: list[str] = []
    """Stems a record must contain (failure mode or text); empty means any record."""
    topic_words: list[str] = []
    corrective_only: bool = False
    count: bool = False
    """A count question: zero matching records is an answer, not a reason to fall back."""


def is_count_question(question: str) -> bool:
    """True when the question asks how many times something happened."""
    return bool(_COUNT.search(question))


def is_history_question(question: str) -> bool:
    """True when the question asks for a count or a past occurrence."""
    return is_count_question(question) or bool(_PAST.search(question))


def find_tag(question: str, spellings: dict[str, str]) -> tuple[str, set[int]] | None:
    """(canonical tag, indexes of the question words it spans) of the longest mention."""
    words = _WORD.findall(question)
    best: tuple[int, str, set[int]] | None = None
    for i in range(len(words)):
        for n in range(min(4, len(words) - i), 0, -1):
            key = tag_key("".join(words[i : i + n]))
            if key in spellings and not key.isdigit() and not key.isalpha():
                if best is None or n > best[0]:
                    best = (n, spellings[key], set(range(i, i + n)))
                break
    return (best[1], best[2]) if best else None


def _month_start(year: int, month: int) -> date:
    return date(year, month, 1)


def find_period(question: str, today: date) -> Period | None:
    """The period a question names, relative to ``today``; None when it names none."""
    q = question.lower()
    if m := re.search(r"\b(?:last|past|previous) (\d+) (day|week|month)s?\b", q):
        n, unit = int(m[1]), m[2]
        days = {"day": 1, "week": 7, "month": 30}[unit] * n
        return Period(
            start=today - timedelta(days=days), end=today, label=f"in the last {n} {unit}s"
        )
    if m := re.search(r"\bsince (\d{4}-\d{2}-\d{2})\b", q):
        start = date.fromisoformat(m[1])
        return Period(start=start, end=today, label=f"since {start.isoformat()}")
    if m := re.search(r"\bsince (" + "|".join(_MONTHS) + r")(?: (\d{4}))?\b", q):
        year = int(m[2]) if m[2] else today.year
        start = _month_start(year, _MONTHS[m[1]])
        return Period(start=start, end=today, label=f"since {start.strftime('%B %Y')}")
    if re.search(r"\bthis year\b", q):
        return Period(start=date(today.year, 1, 1), end=today, label=f"in {today.year} so far")
    if re.search(r"\blast year\b", q):
        y = today.year - 1
        return Period(start=date(y, 1, 1), end=date(y, 12, 31), label=f"in {y}")
    if m := re.search(r"\b(?:in|during|for) (20\d{2})\b", q) or re.search(r"\b(20\d{2})\b", q):
        y = int(m[1])
        return Period(start=date(y, 1, 1), end=date(y, 12, 31), label=f"in {y}")
    return None


def parse_history(question: str, spellings: dict[str, str], today: date) -> HistoryQuery | None:
    """The history query of ``question``, or None when it is not one about a known asset."""
    if not is_history_question(question):
        return None
    found = find_tag(question, spellings)
    if found is None:
        return None
    tag, spans = found
    words = [w for i, w in enumerate(_WORD.findall(question)) if i not in spans]
    content = [w.lower() for w in words if w.lower() not in _STOP and not w.isdigit()]
    content = [w for w in content if w not in _MONTHS]
    stems = _STEMMER.stemWords(content)
    topic = [
        (s, w) for s, w in zip(stems, content, strict=True) if s not in _GENERIC and len(s) > 2
    ]
    return HistoryQuery(
        tag=tag,
        period=find_period(question, today),
        topic=[s for s, _ in topic],
        topic_words=[w for _, w in topic],
        corrective_only=any(s in _GENERIC for s in stems),
        count=is_count_question(question),
    )


def stems_of(text: str) -> set[str]:
    """Stems of the words of a record (its failure mode, symptom and action)."""
    return set(_STEMMER.stemWords([w.lower() for w in _WORD.findall(text)]))


def matches_topic(stems: set[str], topic: list[str]) -> bool:
    """True when every topic stem is a prefix of some record stem (``leak`` ~ ``leakag``)."""
    return all(
        any(s.startswith(t) or (t.startswith(s) and len(s) > 3) for s in stems) for t in topic
    )
