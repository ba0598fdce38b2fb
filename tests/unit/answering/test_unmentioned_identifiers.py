"""Identifiers a question names that no in-scope document mentions (``services.identifiers``)."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from core.answers import SearchHit
from core.assets import AssetProfile, TagResolver
from services.identifiers import unmentioned
from tests.answer_fixtures import chunk, hits

pytestmark = pytest.mark.unit

WASH = chunk(
    "dun-sop-014:1",
    "| Parameter | R-101 | R-102 |\n|---|---|---|\n| 50% NaOH charge | 130 kg | 87 kg |",
    doc_id="DUN-SOP-014",
    title="Caustic wash of reactors R-101 and R-102",
    site="dunmore",
)
TANK = chunk("dun-sop-050:0", "Tank T 201 is washed monthly.", doc_id="DUN-SOP-050", title="T")
REGISTER = TagResolver(
    [
        AssetProfile(site="d", tag="R-101", aliases=("Reactor 1",)),
        AssetProfile(site="d", tag="R-102"),
    ]
)


class Searches:
    """A scoped search that returns fixed hits and records what it was asked."""

    def __init__(self, found: Sequence[SearchHit] = ()) -> None:
        self.found = list(found)
        self.asked: list[str] = []

    def __call__(self, text: str) -> Sequence[SearchHit]:
        self.asked.append(text)
        return self.found


def test_an_identifier_no_document_mentions_is_reported_as_written() -> None:
    search = Searches(hits([WASH]))
    got = unmentioned("Caustic charge for r-103?", hits([WASH]), REGISTER, search)
    assert got == ["r-103"] and search.asked == ["r-103"]


def test_an_identifier_in_the_hits_or_found_by_its_own_search_is_mentioned() -> None:
    search = Searches()
    assert unmentioned("Charge for R-102?", hits([WASH]), TagResolver([]), search) == []
    assert search.asked == []  # the hits hold it: no search
    found = Searches(hits([TANK]))  # written "T 201" in the document
    assert unmentioned("When is T-201 washed?", hits([WASH]), TagResolver([]), found) == []


def test_a_register_tag_or_alias_is_never_reported() -> None:
    """A registered asset exists even when no retrieved text names it; whether the documents
    answer for it is the reader's decision."""
    search = Searches()
    assert unmentioned("R-101 wash?", [], REGISTER, search) == []
    assert unmentioned("How many leaks on IMM-4?", [], TagResolver([], ["IMM-4"]), search) == []
    assert search.asked == []


def test_a_question_without_identifiers_asks_nothing() -> None:
    search = Searches()
    assert unmentioned("What PPE for caustic, 2.0% at 80 C?", [], REGISTER, search) == []
    assert search.asked == []
