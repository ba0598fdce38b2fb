"""Periods named in questions, read relative to the day they are asked."""

from __future__ import annotations

from datetime import date

import pytest

from services.periods import find_period

pytestmark = pytest.mark.unit
TODAY = date(2025, 11, 20)  # a Thursday


@pytest.mark.parametrize(
    ("question", "start", "end"),
    [
        ("leaks in the past two weeks", date(2025, 11, 6), TODAY),
        ("trips over the past year", date(2024, 11, 20), TODAY),
        ("faults in the last 12 months", date(2024, 11, 20), TODAY),
        ("jams last month", date(2025, 10, 1), date(2025, 10, 31)),
        ("jams this month", date(2025, 11, 1), TODAY),
        ("work orders last quarter", date(2025, 7, 1), date(2025, 9, 30)),
        ("work orders this quarter", date(2025, 10, 1), TODAY),
        ("callouts last week", date(2025, 11, 10), date(2025, 11, 16)),
        ("failures year to date", date(2025, 1, 1), TODAY),
        ("failures YTD", date(2025, 1, 1), TODAY),
        ("leaks during March 2024", date(2024, 3, 1), date(2024, 3, 31)),
        ("Oct 2024 leaks", date(2024, 10, 1), date(2024, 10, 31)),
        ("jams in Q3", date(2025, 7, 1), date(2025, 9, 30)),
        ("jams in Q1 2024", date(2024, 1, 1), date(2024, 3, 31)),
        ("the first quarter of 2024", date(2024, 1, 1), date(2024, 3, 31)),
        ("between March and June", date(2025, 3, 1), date(2025, 6, 30)),
        ("from Nov 2024 to Feb 2025", date(2024, 11, 1), date(2025, 2, 28)),
        ("from October to January", date(2024, 10, 1), date(2025, 1, 31)),
        ("since 2024", date(2024, 1, 1), TODAY),
        ("since December", date(2024, 12, 1), TODAY),
        ("in 2025", date(2025, 1, 1), TODAY),
    ],
)
def test_calendar_and_counted_periods(question: str, start: date, end: date) -> None:
    found = find_period(question, TODAY)
    assert found is not None, question
    assert (found.start, found.end) == (start, end)
    assert found.phrase and found.phrase in question.lower()


def test_named_month_with_year_is_an_anchor() -> None:
    found = find_period("what fixed the P-302 leak in May 2025", TODAY)
    assert found is not None and found.anchor and not found.scopes
    assert (found.start, found.end) == (date(2025, 5, 1), date(2025, 5, 31))
    last_quarter = find_period("P-302 leaks last quarter", TODAY)
    assert last_quarter is not None and last_quarter.scopes


@pytest.mark.parametrize(
    "question",
    [
        "may I restart the filler?",
        "the hose that burst in March",
        "leaks in May",
        "how often is the chain greased",
        "torque the bolts to 45 Nm",
    ],
)
def test_no_period_is_read_into_other_words(question: str) -> None:
    assert find_period(question, TODAY) is None
