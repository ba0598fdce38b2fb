"""Tag spelling, the site register file, link extraction and history-question reading."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from core.assets import AssetProfile, LinkKind, TagResolver, tag_key
from core.errors import MetadataError
from core.models import Block, BlockKind, Chunk, DocType, DocumentMeta, Role
from ingestion.asset_links import build_links
from ingestion.asset_register import load_asset_file
from services.asset_mentions import find_tag
from services.asset_questions import find_period, is_history_question, parse_history

pytestmark = pytest.mark.unit

TODAY = date(2025, 11, 20)


def _resolver() -> TagResolver:
    profiles = [
        AssetProfile(site="b", tag="FILLER-2", aliases=("F-2", "Line 2 filler")),
        AssetProfile(site="b", tag="P-401"),
    ]
    return TagResolver(profiles, seen_tags=["filler2", "CONV-3", "Conv 3"])


@pytest.mark.parametrize(
    ("spelling", "canonical"),
    [
        ("FILLER-2", "FILLER-2"),
        ("Filler 2", "FILLER-2"),
        ("filler2", "FILLER-2"),
        ("F-2", "FILLER-2"),
        ("line 2 filler", "FILLER-2"),
        ("conv 3", "CONV-3"),
        ("p401", "P-401"),
        ("IMM-9", "IMM-9"),  # unknown: upper-cased, not invented
    ],
)
def test_spellings_resolve_to_the_register_tag(spelling: str, canonical: str) -> None:
    assert _resolver().canonical(spelling) == canonical


def test_keys_of_a_tag_cover_its_aliases_and_unknown_tags_are_not_known() -> None:
    resolver = _resolver()
    assert resolver.keys_of("F-2") >= {"FILLER2", "F2", "LINE2FILLER"}
    assert not resolver.known("IMM-9") and resolver.known("conv-3")
    assert tag_key(" p-30 2 ") == "P302"


def test_register_file_is_read_and_bad_files_fail_with_one_line(tmp_path: Path) -> None:
    site = tmp_path / "calder"
    site.mkdir()
    good = site / "assets.yaml"
    good.write_text("assets:\n  imm-4: {model: KH-350, class: press, aliases: [Press 4]}\n")
    site_id, profiles = load_asset_file(good)
    assert site_id == "calder"
    assert profiles == [
        AssetProfile(site="calder", tag="IMM-4", model="KH-350", equipment_class="press",
                     aliases=("Press 4",))
    ]  # fmt: skip
    for text, words in [
        ("assets: [a, b]\n", "must hold a mapping"),
        ("assets:\n  X-1: {colour: red}\n", "unknown field"),
        ("assets: {X-1: [\n", "not readable YAML"),
    ]:
        good.write_text(text)
        with pytest.raises(MetadataError, match=words):
            load_asset_file(good)


def _meta(doc_type: DocType, assets: tuple[str, ...]) -> DocumentMeta:
    return DocumentMeta(
        doc_id="D-1", title="Hose burst on IMM-4", site="calder", doc_type=doc_type,
        effective_date=date(2025, 3, 28), audience=frozenset(Role), assets=assets,
        source_path="/d", content_hash="0" * 64, equipment_models=(("IMM-4", "KH-350"),),
    )  # fmt: skip


def _chunk(meta: DocumentMeta, n: int, text: str, **kw: object) -> Chunk:
    return Chunk(
        chunk_id=f"c{n}", version_key=meta.version_key, doc_id=meta.doc_id, ordinal=n, text=text,
        title=meta.title, site=meta.site, doc_type=meta.doc_type, revision="1",
        audience=meta.audience, **kw,  # type: ignore[arg-type]
    )  # fmt: skip


def test_work_order_rows_become_row_links_with_their_fields() -> None:
    meta = _meta(DocType.WORK_ORDER, ("IMM-4", "EXT-2"))
    fields = {"WO ID": "WO-1", "Asset": "imm-4", "Date": "2025-02-03", "Failure Mode": "leakage",
              "Symptom": "hose weeping", "Action": "replaced hose", "Status": "closed"}  # fmt: skip
    blocks = [
        Block(kind=BlockKind.RECORD, text="x", row=1, record_fields=fields),
        Block(kind=BlockKind.RECORD, text="y", row=2, record_fields={"Asset": "", "Date": "x"}),
    ]
    links = build_links(meta, blocks, [_chunk(meta, 0, "x", row=1), _chunk(meta, 1, "y", row=2)])
    assert len(links) == 1  # no whole-file links, and a row without an asset has none
    link = links[0]
    assert (link.kind, link.tag, link.row, link.chunk_id) == (LinkKind.ROW, "IMM-4", 1, "c0")
    assert (link.record_id, link.event_date, link.failure_mode) == (
        "WO-1",
        date(2025, 2, 3),
        "LEAKAGE",
    )
    assert (link.summary, link.action, link.status) == ("hose weeping", "replaced hose", "CLOSED")


def test_incident_date_comes_from_its_summary_and_manuals_link_sections() -> None:
    meta = _meta(DocType.INCIDENT, ("IMM-4",))
    chunks = [_chunk(meta, 0, "Summary\n| Date and time | 2025-03-14, 03:15 |")]
    (link,) = build_links(meta, [], chunks)
    assert (link.kind, link.event_date, link.equipment_model) == (
        LinkKind.DOCUMENT, date(2025, 3, 14), "KH-350")  # fmt: skip
    manual = _meta(DocType.MANUAL, ("IMM-4",))
    pages = [
        _chunk(manual, i, "t", section_path=(s,), page=p)
        for i, (s, p) in enumerate([("1 Overview", 1), ("1 Overview", 2), ("3 Hydraulics", 3)])
    ]
    sections = [x for x in build_links(manual, [], pages) if x.kind is LinkKind.SECTION]
    assert [(x.section, x.page, x.chunk_id) for x in sections] == [
        ("1 Overview", 1, "c0"), ("3 Hydraulics", 3, "c2")]  # fmt: skip


def test_find_tag_prefers_the_longest_mention() -> None:
    spellings = _resolver().spellings()
    assert find_tag("how often does the line 2 filler leak", spellings) == ("FILLER-2", {4, 5, 6})
    assert find_tag("what about CONV 3?", spellings) == ("CONV-3", {2, 3})
    assert find_tag("no tag here 2", spellings) is None


@pytest.mark.parametrize(
    ("question", "period"),
    [
        ("how often this year", (date(2025, 1, 1), TODAY)),
        ("leaks last year", (date(2024, 1, 1), date(2024, 12, 31))),
        ("in 2024?", (date(2024, 1, 1), date(2024, 12, 31))),
        ("in the last 3 months", (date(2025, 8, 20), TODAY)),
        ("since June", (date(2025, 6, 1), TODAY)),
        ("since 2025-02-10", (date(2025, 2, 10), TODAY)),
    ],
)
def test_periods_are_read_relative_to_today(question: str, period: tuple[date, date]) -> None:
    found = find_period(question, TODAY)
    assert found is not None and (found.start, found.end) == period
    assert find_period("how often has it leaked", TODAY) is None


def test_history_questions_give_asset_topic_and_correctiveness() -> None:
    resolver = _resolver()
    q = parse_history("How often has Filler 2 leaked this year?", resolver, TODAY)
    assert q is not None and q.tags == ["FILLER-2"] and q.topic == ["leak"]
    assert not q.corrective_only and q.count
    q = parse_history("what fixed the last CONV-3 gearbox failure?", resolver, TODAY)
    assert q is not None and q.topic == ["gearbox"] and q.corrective_only and not q.count
    q = parse_history("has this happened before on conv 3?", resolver, TODAY)
    assert q is not None and q.topic == [] and q.corrective_only
    assert parse_history("What PPE do I need on FILLER-2?", resolver, TODAY) is None
    assert parse_history("how many times has IMM-9 tripped?", resolver, TODAY) is None


def test_excluded_words_leave_the_topic_and_mean_corrective_work() -> None:
    q = parse_history(
        "how many jobs on P-401 this year, not counting the monthly seal checks?",
        _resolver(),
        TODAY,
    )
    assert q is not None and q.corrective_only and q.count
    assert not {"monthli", "seal", "check"} & set(q.topic)


def test_a_question_may_name_two_assets() -> None:
    q = parse_history("how many changeovers on F-2/P-401 in 2025?", _resolver(), TODAY)
    assert q is not None and q.tags == ["FILLER-2", "P-401"] and q.label == "FILLER-2 and P-401"
    assert q.count_nouns == ["changeov"]  # the records decide whether that is a record word


@pytest.mark.parametrize(
    ("question", "history"),
    [
        ("How often has P-302 leaked this year?", True),
        ("how many times did IMM-4 trip?", True),
        ("has this happened before on IMM-4?", True),
        ("what fixed the last CONV-3 gearbox failure?", True),
        ("How often is the FILLER-2 slewing bearing greased?", False),  # a schedule
        ("How many bottles went on hold after the FILLER-2 underfill?", False),  # a quantity
        ("What is the torque for the CONV-3 coupling?", False),
        ("P-302 non-PM work orders, how many?", True),
        ("When did we last replace the belt on CONV-4?", True),
    ],
)
def test_history_intent_is_past_events_not_schedules_or_quantities(
    question: str, history: bool
) -> None:
    assert is_history_question(question) is history


@pytest.mark.parametrize(
    ("question", "history"),
    [
        ("BLR-1 leaks this year?", True),  # a bare phrase with a period asks for the records
        ("imm4 slide shoe greasing count 2025", True),
        ("Why did the P-302 seal leak in May 2025?", False),  # the incident report says why
        ("What did the 2025 audit find on FILLER-2?", False),
    ],
)
def test_a_period_alone_is_history_only_in_a_bare_phrase(question: str, history: bool) -> None:
    assert is_history_question(question, find_period(question, TODAY) is not None) is history
