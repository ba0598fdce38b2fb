"""A quoted sentence that the notice block already shows is not repeated under it."""

from __future__ import annotations

import pytest

from services.answering.compose import Quote, compose, without_notices
from services.answering.evidence import quotable_units
from services.answering.safety import Notice
from tests.answer_fixtures import chunk, hits

pytestmark = pytest.mark.unit

WARNING = (
    "WARNING: If the water level is not visible in either gauge glass, shut off the burner "
    "immediately and do NOT add feedwater. Call the Maintenance Supervisor."
)


def _answer(text: str, notice: str) -> tuple[str, str]:
    boiler = chunk("blr:1", text, doc_id="DUN-SOP-030", title="Boiler", section=("Daily",))
    ranked = hits([boiler])
    units = [u for u in quotable_units(boiler) if u.text.startswith("WARNING")]
    notices = [Notice(notice, boiler)]
    answer = compose(without_notices([Quote(ranked[0], units)], notices), notices, ranked, False, 1)
    head, _, body = answer.answer.partition("\n\n")
    return head, body


def test_a_sentence_of_a_longer_notice_line_is_shown_once() -> None:
    """Notices are whole lines; the quoted unit is the line's first sentence."""
    head, body = _answer(f"Check both gauge glasses.\n{WARNING}", WARNING)
    assert head == f"Safety notices:\n{WARNING} [1]"
    assert body == ""


def test_a_unit_is_kept_when_it_only_shares_words_with_a_notice() -> None:
    notice = "WARNING: If the water level is not visible in either gauge glass."
    _, body = _answer(WARNING, notice)
    assert "shut off the burner" in body
