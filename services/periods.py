"""The period a question names ("last quarter", "since March", "in May 2025", "Q3"), as dates.

Read relative to the day the question is asked, so that an answer can say which dates it
counted ("in the last 3 months", "in Q3 2025") and a reader can check it. Calendar units
("last month", "this quarter") mean calendar months and quarters; counted units ("the last 3
months", "the past year") count back from today, to the same day of the month. A single month
counts only with its year ("May 2025"); in ranges and after "since", a month without a year is
its most recent occurrence that has begun.
"""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta

from pydantic import BaseModel

_NAMES = [calendar.month_name[i].lower() for i in range(1, 13)]
MONTHS: dict[str, int] = {name: i for i, name in enumerate(_NAMES, start=1)}
MONTHS.update({name[:3]: i for i, name in enumerate(_NAMES, start=1) if name != "may"})
MONTHS["sept"] = 9
_MONTH = r"(" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_YEAR = r"(20\d{2})"
_NUMBERS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "eighteen": 18,
    "twenty-four": 24,
}  # fmt: skip
_COUNTED = re.compile(
    r"\b(?:last|past|previous|recent) (\d+|" + "|".join(_NUMBERS) + r") (day|week|month|year)s?\b"
)
_ORDINAL = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "1st": 1, "2nd": 2, "3rd": 3, "4th": 4,
}  # fmt: skip


class Period(BaseModel):
    """A closed date range, with the words that describe it in an answer."""

    start: date
    end: date
    label: str
    phrase: str = ""
    """The words of the question that named the period (kept out of the topic)."""
    anchor: bool = False
    """A single named month ("August 2025"): it usually says which event is meant ("the hose
    that burst in March 2025"), so it narrows a history question but is no cue for one."""

    @property
    def scopes(self) -> bool:
        """True when the period asks for a span of time ("this year", "last quarter")."""
        return not self.anchor


def find_period(question: str, today: date) -> Period | None:
    """The period a question names, relative to ``today``; None when it names none."""
    q = " ".join(question.lower().split())
    for reader in (_range, _counted, _since, _calendar, _quarter, _month, _year):
        found = reader(q, today)
        if found is not None:
            return found
    return None


def _months_back(today: date, months: int) -> date:
    """The same day ``months`` calendar months before today (clamped to the month's end)."""
    index = today.year * 12 + today.month - 1 - months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(today.day, calendar.monthrange(year, month + 1)[1]))


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _recent_year(month: int, today: date) -> int:
    """The year of the most recent ``month`` that has begun."""
    return today.year if month <= today.month else today.year - 1


def _span(
    start: date, end: date, today: date, label: str, phrase: str, anchor: bool = False
) -> Period:
    return Period(start=start, end=min(end, today), label=label, phrase=phrase, anchor=anchor)


def _range(q: str, today: date) -> Period | None:
    """Ranges: "between March and June [2025]", "from Jan 2024 to May 2024"."""
    m = re.search(
        r"\b(?:between|from) " + _MONTH + r"(?: " + _YEAR + r")? (?:and|to|through|until|till|-) "
        + _MONTH + r"(?: " + _YEAR + r")?\b",
        q,
    )  # fmt: skip
    if m is None:
        return None
    first, last = MONTHS[m[1]], MONTHS[m[3]]
    end_year = int(m[4]) if m[4] else _recent_year(last, today)
    start_year = int(m[2]) if m[2] else (end_year if first <= last else end_year - 1)
    start, end = date(start_year, first, 1), _month_end(end_year, last)
    label = f"from {start.strftime('%B %Y')} to {end.strftime('%B %Y')}"
    return _span(start, end, today, label, m[0])


def _counted(q: str, today: date) -> Period | None:
    """Counted back: "the last 3 months", "past two weeks", "previous 90 days", "the past year"."""
    if m := _COUNTED.search(q):
        n = int(m[1]) if m[1].isdigit() else _NUMBERS[m[1]]
        unit = m[2]
    elif m := re.search(r"\b(?:past|last) (?:twelve|12) months\b|\bpast (year|month|week)\b", q):
        n, unit = (1, m[1]) if m[1] else (12, "month")
    else:
        return None
    if unit in ("month", "year"):
        start = _months_back(today, n * (12 if unit == "year" else 1))
    else:
        start = today - timedelta(days=(7 if unit == "week" else 1) * n)
    label = f"in the last {n} {unit}s" if n != 1 else f"in the past {unit}"
    return _span(start, today, today, label, m[0])


def _since(q: str, today: date) -> Period | None:
    """Open-ended: "since 2025-02-10", "since March [2025]", "since 2024"."""
    if m := re.search(r"\bsince (\d{4}-\d{2}-\d{2})\b", q):
        start = date.fromisoformat(m[1])
        return _span(start, today, today, f"since {start.isoformat()}", m[0])
    if m := re.search(r"\bsince " + _MONTH + r"(?: " + _YEAR + r")?\b", q):
        month = MONTHS[m[1]]
        start = date(int(m[2]) if m[2] else _recent_year(month, today), month, 1)
        return _span(start, today, today, f"since {start.strftime('%B %Y')}", m[0])
    if m := re.search(r"\bsince " + _YEAR + r"\b", q):
        return _span(date(int(m[1]), 1, 1), today, today, f"since {m[1]}", m[0])
    return None


def _calendar(q: str, today: date) -> Period | None:
    """Calendar units: "this/last week|month|quarter|year", "year to date", "yesterday"."""
    if m := re.search(r"\b(?:year[- ]to[- ]date|ytd|this year|so far this year)\b", q):
        return _span(date(today.year, 1, 1), today, today, f"in {today.year} so far", m[0])
    if m := re.search(r"\b(?:last|previous) year\b", q):
        y = today.year - 1
        return _span(date(y, 1, 1), date(y, 12, 31), today, f"in {y}", m[0])
    if m := re.search(r"\b(this|last|previous) (week|month|quarter)\b", q):
        start, end = _calendar_unit(m[2], today, back=m[1] != "this")
        return _span(start, end, today, f"{m[1]} {m[2]} ({start} to {min(end, today)})", m[0])
    if m := re.search(r"\byesterday\b", q):
        day = today - timedelta(days=1)
        return _span(day, day, today, f"on {day.isoformat()}", m[0])
    return None


def _calendar_unit(unit: str, today: date, back: bool) -> tuple[date, date]:
    """The calendar week (Monday first), month or quarter holding today, or the one before."""
    if unit == "week":
        start = today - timedelta(days=today.weekday()) - timedelta(days=7 if back else 0)
        return start, start + timedelta(days=6)
    months = 3 if unit == "quarter" else 1
    first = (today.month - 1) // months * months + 1
    year = today.year
    if back:
        first -= months
        if first < 1:
            first, year = first + 12, year - 1
    return date(year, first, 1), _month_end(year, first + months - 1)


def _quarter(q: str, today: date) -> Period | None:
    """Quarters: "Q3", "q2 2025", "the first quarter of 2024"."""
    if m := re.search(r"\bq([1-4])(?:,? " + _YEAR + r")?\b", q):
        n, year_text, phrase = int(m[1]), m[2], m[0]
    elif m := re.search(
        r"\b(" + "|".join(_ORDINAL) + r") quarter(?: of " + _YEAR + r"| " + _YEAR + r")?\b", q
    ):  # fmt: skip
        n, year_text, phrase = _ORDINAL[m[1]], m[2] or m[3], m[0]
    else:
        return None
    first = 3 * n - 2
    year = int(year_text) if year_text else _recent_year(first, today)
    start, end = date(year, first, 1), _month_end(year, first + 2)
    return _span(start, end, today, f"in Q{n} {year}", phrase)


def _month(q: str, today: date) -> Period | None:
    """Months with their year: "during March 2025", "Oct 2024". Without a year ("in May") a
    month names an event more often than a span ("the hose that burst in March"), and the most
    recent May need not be the one meant, so it is not read as a period."""
    m = re.search(r"\b" + _MONTH + r" " + _YEAR + r"\b", q)
    if m is None:
        return None
    month, year = MONTHS[m[1]], int(m[2])
    start = date(year, month, 1)
    label = f"in {start.strftime('%B %Y')}"
    return _span(start, _month_end(year, month), today, label, m[0], anchor=True)


def _year(q: str, today: date) -> Period | None:
    """Years: "in 2024", "during 2023", or a bare year."""
    m = re.search(r"\b(?:in|during|for) " + _YEAR + r"\b", q) or re.search(r"\b" + _YEAR + r"\b", q)
    if m is None:
        return None
    y = int(m[1])
    return _span(date(y, 1, 1), date(y, 12, 31), today, f"in {y}", m[0])
