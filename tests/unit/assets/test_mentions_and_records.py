"""Assets named by what they are, and the record matcher that decides which rows a history
question counts (hashing embedder: the word coverage and class rules, not the model)."""

from __future__ import annotations

from datetime import date

import pytest

from core.assets import AssetProfile, LinkedRecord, LinkKind, TagResolver
from core.models import DocType
from retrieval.embedders import HashingEmbedder
from services.asset_mentions import find_assets, find_tags, model_spellings
from services.asset_questions import HistoryQuery, parse_history
from services.asset_rows import RecordMatcher, record_words

pytestmark = pytest.mark.unit

REGISTER = [
    AssetProfile(site="b", tag="FILLER-1", name="Line 1 rotary filler", equipment_class="rotary filler"),
    AssetProfile(site="b", tag="FILLER-2", name="Line 2 rotary filler", equipment_class="rotary filler"),
    AssetProfile(site="b", tag="CAPPER-1", name="Line 2 screw capper", equipment_class="capper"),
    AssetProfile(site="b", tag="CONV-2", name="Filler to capper conveyor", equipment_class="conveyor"),
    AssetProfile(site="b", tag="P-302", name="Product transfer pump (standby)",
                 equipment_class="centrifugal pump", aliases=("standby transfer pump",)),
]  # fmt: skip


@pytest.mark.parametrize(
    ("question", "tag"),
    [
        ("how many times has the capper jammed this year?", "CAPPER-1"),
        ("the conveyor from the filler to the capper keeps stopping", "CONV-2"),
        ("line 1 filler leaks?", "FILLER-1"),
        ("how often has the standby transfer pump leaked?", "P-302"),  # a plain-word alias
        ("the filler is leaking", None),  # two fillers: a tie names nothing
        ("what PPE for the bottle washer?", None),  # no head noun of the register
    ],
)
def test_assets_named_by_what_they_are(question: str, tag: str | None) -> None:
    found = find_assets(question, TagResolver(REGISTER))
    assert [t for t, _ in found] == ([tag] if tag else [])


def test_a_plain_word_record_spelling_is_not_a_tag() -> None:
    resolver = TagResolver(REGISTER, seen_tags=["PUMP"])
    assert find_tags("which pump?", resolver.spellings(), resolver.alias_keys()) == []
    assert find_assets("which pump?", resolver) == [("P-302", {1})]  # the register's only pump


def _row(row: int, mode: str, summary: str, when: date = date(2025, 5, 1)) -> LinkedRecord:
    return LinkedRecord(
        tag="P-401", kind=LinkKind.ROW, row=row, record_id=f"WO-{row}", event_date=when,
        failure_mode=mode, summary=summary, action="", site="b", doc_id="WO",
        title="export", doc_type=DocType.WORK_ORDER.value, revision="1",
    )  # fmt: skip


ROWS = [
    _row(1, "LEAKAGE", "P-401 seal gland weeping caustic"),
    _row(2, "LEAKAGE", "P-401 seal leaking caustic again"),
    _row(3, "NONE (PM)", "P-401 seal pot check after the P-302 seal leak"),
    _row(4, "BREAKDOWN", "P-401 motor tripped on overload"),
    _row(5, "LEAKAGE", "P-401 casing drain plug leak", date(2024, 2, 1)),
]


def _query(question: str) -> HistoryQuery:
    profiles = [AssetProfile(site="b", tag="P-401")]
    query = parse_history(question, TagResolver(profiles), date(2025, 11, 20))
    assert query is not None
    return query


def _select(question: str, rows: list[LinkedRecord]) -> set[int | None]:
    matcher = RecordMatcher(HashingEmbedder(64))
    return {r.row for r in matcher.select(question, _query(question), rows, ROWS)}


def test_conversational_words_do_not_empty_the_count() -> None:
    question = "we keep having trouble with P-401, how many seal leak jobs has it had?"
    assert record_words(_query(question), [r.summary + r.failure_mode for r in ROWS]) == [
        "seal", "leak"]  # fmt: skip
    # not the PM check that mentions a leak (planned work), nor the drain plug leak (no seal)
    assert _select(question, ROWS) == {1, 2}


def test_a_question_without_record_words_takes_every_candidate() -> None:
    question = "how many work orders has P-401 had?"
    assert _select(question, ROWS) == {1, 2, 3, 4, 5}


def test_a_period_without_a_matching_record_counts_zero() -> None:
    question = "how many motor trips on P-401 in 2024?"
    in_2024 = [r for r in ROWS if r.event_date and r.event_date.year == 2024]
    assert _select(question, in_2024) == set()
    assert _select(question, ROWS) == {4}


def test_a_model_designation_names_its_asset_only_when_one_asset_has_it() -> None:
    profiles = (
        AssetProfile(site="s", tag="R-101", model="Glasmont GR-6300", equipment_class="reactor"),
        AssetProfile(site="s", tag="P-301", model="Castell CDS-50"),
        AssetProfile(site="s", tag="P-302", model="Castell CDS-50"),
    )
    assert model_spellings(profiles) == {"GR6300": "R-101"}
    resolver = TagResolver(list(profiles))
    assert [t for t, _ in find_assets("how many jobs on the GR-6300 reactor?", resolver)] == [
        "R-101"
    ]
    assert find_assets("how many jobs on the CDS-50?", resolver) == []
