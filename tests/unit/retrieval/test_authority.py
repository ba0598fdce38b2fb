"""Which questions are about the past, and the record weights that follow."""

from __future__ import annotations

import pytest

from retrieval.authority import asks_about_history, authority_weights, is_symptom_report

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    "question",
    [
        "What part was changed on PAL-1 last time?",
        "Why did the P-302 seal leak in May 2025?",
        "What caused the underfill?",
        "Any work orders on CHL-1?",
        "ROB-3 dropping parts",
        "CAPPER-1 head 7 low torque",
    ],
)
def test_questions_about_the_past_or_symptom_reports(question: str) -> None:
    assert asks_about_history(question)


@pytest.mark.parametrize(
    "question",
    [
        "E57 on IMM-4?",
        "How long before I can open the guard after Line Stop?",
        "What torque for the ejector rod coupling?",
        "Nitrogen precharge of the IMM-4 accumulator?",
    ],
)
def test_questions_about_how_things_are(question: str) -> None:
    assert not asks_about_history(question)


def test_symptom_report_needs_no_question_word_and_no_question_mark() -> None:
    assert is_symptom_report("P-301 discharge pressure low")
    assert not is_symptom_report("Is P-301 discharge pressure low")
    assert not is_symptom_report("P-301 discharge pressure low?")


def test_only_records_are_weighed_and_only_for_present_questions() -> None:
    types = ["manual", "work_order", "incident", "sop"]
    assert authority_weights("E57 on IMM-4?", types, 0.9) == [1.0, 0.9, 0.9, 1.0]
    assert authority_weights("When did E57 occur?", types, 0.9) == [1.0] * 4
    assert authority_weights("E57 on IMM-4?", types, 1.0) == [1.0] * 4
