"""The extractive answerer on hand-built hits: verbatim quotes, whole steps, notices, abstention."""

from __future__ import annotations

import re

import pytest

from core.models import BlockKind, DocType, Role
from core.settings import AnswerSettings
from services.answering import ABSTAIN_TEXT, ExtractiveAnswerer
from services.answering.compose import Quote, compose, without_notices
from services.answering.evidence import quotable_units
from services.answering.safety import IndexSectionLookup, Notice
from tests.answer_fixtures import (
    CIP,
    JAM_INTRO,
    JAM_PROC,
    JAM_STEPS,
    JAM_WARNING,
    TORQUE,
    WORK_ORDER,
    FakeRetriever,
    chunk,
    hits,
)

pytestmark = pytest.mark.unit
ANSWERER = ExtractiveAnswerer()


def _markers(text: str) -> set[int]:
    return {int(n) for n in re.findall(r"\[(\d+)\]", text)}


def test_procedure_question_quotes_every_step_whole_and_in_order() -> None:
    answer = ANSWERER.answer(
        "How do I clear a jam on Filler 2?", hits([JAM_PROC, CIP, TORQUE]), Role.OPERATOR
    )
    assert not answer.abstained
    notices, body = answer.answer.split("\n\n", 1)
    assert notices.startswith("Safety notices:")
    step_lines = JAM_STEPS.splitlines()
    positions = [body.index(line) for line in step_lines]  # every line verbatim, sub-step too
    assert positions == sorted(positions)
    assert "2. Apply lockout/tagout at main disconnect MCC-2-04" in body
    assert answer.citations[0].doc_id == "BRK-SOP-012"
    assert answer.citations[0].revision == "4"
    assert answer.citations[0].section == "Clearing a jam on Filler 2"


def test_steps_continue_across_chunks_of_the_same_section_in_ordinal_order() -> None:
    first = JAM_PROC.model_copy(update={"text": "\n".join(JAM_STEPS.splitlines()[:3])})
    second = JAM_PROC.model_copy(
        update={
            "chunk_id": "brk-sop-012:2",
            "ordinal": 2,
            "text": "\n".join(JAM_STEPS.splitlines()[3:]),
            "safety_notices": (),
        }
    )
    answer = ANSWERER.answer(
        "What are the steps to clear a jam on Filler 2?", hits([second, first]), Role.OPERATOR
    )
    assert answer.answer.index("1. Press the E-STOP") < answer.answer.index("5. Close the guard")
    assert answer.answer.index("3. Open the infeed guard") < answer.answer.index(
        "4. Inspect the star wheel"
    )


def test_section_warning_is_shown_first_verbatim_and_listed() -> None:
    answer = ANSWERER.answer(
        "How do I clear a jam on Filler 2?", hits([JAM_PROC, JAM_INTRO]), Role.OPERATOR
    )
    assert answer.answer.startswith("Safety notices:\n" + JAM_WARNING)
    assert JAM_WARNING in answer.safety_notices
    assert any("lockout/tagout" in n for n in answer.safety_notices)
    first_step = answer.answer.index("1. Press the E-STOP")
    assert all(answer.answer.index(n) < first_step for n in answer.safety_notices)


def test_section_notice_found_through_the_index_when_not_retrieved() -> None:
    retriever = FakeRetriever([JAM_INTRO, JAM_PROC])
    answerer = ExtractiveAnswerer(section_lookup=IndexSectionLookup(retriever.index))
    answer = answerer.answer("How do I clear a jam on Filler 2?", hits([JAM_PROC]), Role.OPERATOR)
    assert answer.safety_notices[0] == JAM_WARNING
    cited_for_notice = [c for c in answer.citations if c.chunk_id == JAM_INTRO.chunk_id]
    assert cited_for_notice and cited_for_notice[0].snippet == JAM_WARNING
    assert _markers(answer.answer) == {c.n for c in answer.citations}


def test_factual_question_quotes_the_table_row_with_its_header_and_caution() -> None:
    answer = ANSWERER.answer(
        "What is the torque for the gearbox coupling bolts on CONV-3?",
        hits([TORQUE, JAM_PROC, WORK_ORDER]),
        Role.TECHNICIAN,
    )
    assert "| Gearbox coupling bolts | M12 | 85 Nm | [1]" in answer.answer
    assert "| Fastener | Size | Torque |" in answer.answer
    assert "210 Nm" not in answer.answer
    assert answer.safety_notices == [
        "CAUTION: Re-check the coupling bolt torque after the first 24 hours of operation."
    ]
    citation = answer.citations[0]
    assert (citation.doc_id, citation.page, citation.doc_type) == ("BRK-MAN-003", 14, "manual")
    assert "85 Nm" in citation.snippet


def test_ppe_question_quotes_the_ppe_sentence_not_the_topic_sentence() -> None:
    answer = ANSWERER.answer(
        "What PPE do I need for the caustic wash?", hits([CIP, JAM_PROC]), Role.OPERATOR
    )
    assert "face shield, chemical gloves and an apron" in answer.answer
    assert "75 °C" not in answer.answer


def test_every_quoted_sentence_is_verbatim_from_its_cited_chunk() -> None:
    chunks = [TORQUE, CIP, WORK_ORDER, JAM_PROC]
    by_id = {c.chunk_id: c for c in chunks}
    for question in [
        "Has the EXT-2 zone 3 heater failed before?",
        "How long does the caustic wash run?",
        "torque for the motor mount bolts on CONV-3",
    ]:
        answer = ANSWERER.answer(question, hits(chunks), Role.TECHNICIAN)
        assert not answer.abstained, question
        for citation in answer.citations:
            source = " ".join(by_id[citation.chunk_id].text.split())
            for line in citation.snippet.splitlines():
                assert " ".join(line.split()) in source


def test_markers_map_to_citations_numbered_from_one() -> None:
    answer = ANSWERER.answer(
        "How do I clear a jam on Filler 2?", hits([JAM_PROC, JAM_INTRO]), Role.OPERATOR
    )
    numbers = [c.n for c in answer.citations]
    assert numbers == list(range(1, len(numbers) + 1))
    assert _markers(answer.answer) == set(numbers)


def test_unanswerable_question_abstains_and_names_closest_documents() -> None:
    answer = ANSWERER.answer(
        "What is the torque for the pasteuriser pump impeller nut?",
        hits([TORQUE, JAM_PROC, CIP]),
        Role.TECHNICIAN,
    )
    assert answer.abstained
    assert answer.answer.startswith(ABSTAIN_TEXT)
    assert answer.citations == [] and answer.safety_notices == []
    assert [d.doc_id for d in answer.closest_documents] == [
        "BRK-MAN-003",
        "BRK-SOP-012",
        "BRK-SOP-020",
    ]
    assert "85 Nm" not in answer.answer  # abstention quotes no chunk text


def test_wrong_asset_tag_lowers_support_below_threshold() -> None:
    answer = ANSWERER.answer(
        "What is the torque for the gearbox coupling bolts on CONV-7?",
        hits([TORQUE]),
        Role.TECHNICIAN,
    )
    assert answer.abstained


def test_no_hits_abstains_plainly() -> None:
    answer = ANSWERER.answer("How do I clear a jam on Filler 2?", [], Role.OPERATOR)
    assert answer.abstained
    assert answer.answer == f"{ABSTAIN_TEXT} No document in your scope matched the question."
    assert answer.support_score == 0.0


def test_threshold_is_a_setting() -> None:
    strict = ExtractiveAnswerer(AnswerSettings(abstain_threshold=0.99))
    answer = strict.answer("What PPE do I need for the caustic wash?", hits([CIP]), Role.OPERATOR)
    assert answer.abstained


def test_answers_are_deterministic() -> None:
    question = "How do I clear a jam on Filler 2?"
    first = ANSWERER.answer(question, hits([JAM_PROC, JAM_INTRO, CIP]), Role.OPERATOR)
    again = ANSWERER.answer(question, hits([JAM_PROC, JAM_INTRO, CIP]), Role.OPERATOR)
    assert first == again


def test_procedure_steps_are_read_from_unretrieved_chunks_of_the_section() -> None:
    retriever = FakeRetriever([JAM_INTRO, JAM_PROC, CIP])
    answerer = ExtractiveAnswerer(section_lookup=IndexSectionLookup(retriever.index))
    answer = answerer.answer("How do I clear a jam on Filler 2?", hits([JAM_INTRO]), Role.OPERATOR)
    assert "1. Press the E-STOP" in answer.answer and "5. Close the guard" in answer.answer
    assert answer.answer.startswith("Safety notices:\n" + JAM_WARNING)


def test_inline_steps_from_pdf_text_are_kept_whole_and_header_line_is_not_quoted() -> None:
    text = (
        "Caustic scrubber SCR-1 — Liquor change\n"
        "LIQUOR CHANGE (about every 6 weeks) 1. Agree a time with the Shift Manager. "
        "2. Stop P-SCR and DP-SCR. Leave fan FN-1 running. 3. Fill with 1,600 L process water, "
        "then add 400 kg of 50% NaOH with DP-SCR."
    )
    scrubber = CIP.model_copy(
        update={
            "chunk_id": "dun-sop-040:3",
            "doc_id": "DUN-SOP-040",
            "title": "Caustic scrubber SCR-1",
            "section_path": ("Liquor change",),
            "text": text,
        }
    )
    answer = ANSWERER.answer("How do I change the SCR-1 liquor?", hits([scrubber]), Role.OPERATOR)
    assert answer.answer.splitlines() == [
        "1. Agree a time with the Shift Manager. [1]",
        "2. Stop P-SCR and DP-SCR. Leave fan FN-1 running. [1]",
        "3. Fill with 1,600 L process water, then add 400 kg of 50% NaOH with DP-SCR. [1]",
    ]


def test_work_order_rows_do_not_share_notices() -> None:
    other_row = WORK_ORDER.model_copy(
        update={
            "chunk_id": "brk-wo-2024:7",
            "row": 8,
            "ordinal": 7,
            "text": "WO-88001 | GRAN-1 | 2024-01-23 | blades blunt | replaced blades under lockout",
            "section_path": ("WorkOrders",),
            "safety_notices": ("WO-88001 | GRAN-1 | replaced blades under lockout",),
        }
    )
    row = WORK_ORDER.model_copy(update={"section_path": ("WorkOrders",)})
    answer = ANSWERER.answer(
        "EXT-2 zone 3 heater not heating, what was done?", hits([row, other_row]), Role.TECHNICIAN
    )
    assert answer.safety_notices == [] and "GRAN-1" not in answer.answer
    assert answer.citations[0].row == 42


def test_ingested_table_rows_are_quoted_one_by_one_and_preferred_for_values() -> None:
    """Ingestion writes tables as ``a | b`` lines (no leading pipe): still rows, with header."""
    steps = chunk(
        "dun-sop-014:3",
        "8. Titrate: concentration must be at least 3.5% w/w at the end of the hold.",
        doc_id="DUN-SOP-014",
        title="Caustic wash of reactors",
        section=("Procedure",),
    )
    table = chunk(
        "dun-sop-014:5",
        "Parameter | R-101 | R-102\nWater charge | 1,500 L | 1,000 L\n"
        "Wash concentration | 4.0% w/w NaOH | 4.0% w/w NaOH\nWash temperature | 65 °C | 65 °C",
        doc_id="DUN-SOP-014",
        title="Caustic wash of reactors",
        section=("Wash parameters",),
        kind=BlockKind.TABLE,
    )
    answer = ANSWERER.answer(
        "What concentration is the caustic wash?", hits([steps, table]), Role.OPERATOR
    )
    assert answer.citations[0].section == "Wash parameters"
    assert "Parameter | R-101 | R-102\nWash concentration | 4.0% w/w NaOH" in answer.answer
    assert "1,500 L" not in answer.answer


def test_why_question_cites_the_sentence_that_gives_the_cause() -> None:
    summary = chunk(
        "inc-7:0",
        "ROB-3 collided with mould M-4471 on IMM-4 on 2025-08-07; the gripper was destroyed.",
        doc_id="CAL-INC-7",
        title="ROB-3 collision",
        doc_type=DocType.INCIDENT,
        section=("Summary",),
    )
    cause = chunk(
        "inc-7:2",
        "ROB-3 entered mould M-4471 early because its open stroke was set to 520 mm.",
        doc_id="CAL-INC-7",
        title="ROB-3 collision",
        doc_type=DocType.INCIDENT,
        section=("Root cause",),
        ordinal=2,
    )
    answer = ANSWERER.answer(
        "Why did ROB-3 crash into mould M-4471?", hits([summary, cause]), Role.TECHNICIAN
    )
    assert not answer.abstained and answer.citations[0].section == "Root cause"
    assert answer.answer.startswith("ROB-3 entered mould M-4471 early because")


def test_a_key_value_row_answers_for_the_record_it_belongs_to() -> None:
    record = chunk(
        "dev-3:1",
        "Field | Value\nBatch | B25-0412, 3.9 t\nViscosity | 1,850 mPa.s (spec 900 to 1,400)",
        doc_id="DUN-DEV-3",
        title="Deviation 3",
        doc_type=DocType.INCIDENT,
        kind=BlockKind.TABLE,
    )
    answer = ANSWERER.answer(
        "What viscosity did batch B25-0412 come out at?", hits([record]), Role.QUALITY
    )
    assert answer.answer.startswith("Field | Value\nViscosity | 1,850 mPa.s")


def test_what_caused_question_quotes_the_reports_investigation_first() -> None:
    details = chunk(
        "dev-8:1",
        "Field | Value\nProduct | CL-20 blend BL25-0909, 8.0 t\nResult | pH 11.6, low",
        doc_id="DUN-DEV-8",
        title="CL-20 blend below pH specification",
        doc_type=DocType.INCIDENT,
        section=("Deviation details",),
        kind=BlockKind.TABLE,
    )
    investigation = chunk(
        "dev-8:2",
        "- LC-201 zero had drifted by +160 kg after a hose was left on the tank skirt.\n"
        "- The tare check before charging was not recorded.",
        doc_id="DUN-DEV-8",
        title="CL-20 blend below pH specification",
        doc_type=DocType.INCIDENT,
        section=("Investigation",),
        ordinal=2,
    )
    answer = ANSWERER.answer(
        "What caused the CL-20 blend to be low on pH?",
        hits([details, investigation]),
        Role.QUALITY,
    )
    assert answer.citations[0].section == "Investigation"
    assert answer.answer.startswith("- LC-201 zero had drifted by +160 kg")


def test_chunk_whose_quoted_sentence_is_shown_as_a_notice_keeps_citation_one() -> None:
    """The best-answering chunk stays [1] when its sentence moves into the notices block."""
    mask = "WARNING: Wear a dust mask FFP2 when emptying the regrind bin."
    regrind = chunk(
        "ppe:1", mask, doc_id="CAL-SOP-002", title="PPE", section=("Regrind",), notices=(mask,)
    )
    noise = chunk(
        "ppe:0",
        "Ear defenders SNR 30 dB are mandatory in the regrind room.",
        doc_id="CAL-SOP-002",
        title="PPE",
        section=("Hearing protection",),
    )
    ranked = hits([regrind, noise])
    quotes = [Quote(h, quotable_units(h.chunk)) for h in ranked]
    notices = [Notice(mask, regrind)]
    answer = compose(without_notices(quotes, notices), notices, ranked, False, 1.0)
    assert [c.chunk_id for c in answer.citations] == ["ppe:1", "ppe:0"]
    assert answer.citations[0].snippet == mask
    head, body = answer.answer.split("\n\n", 1)
    assert head == f"Safety notices:\n{mask} [1]"
    assert body == "Ear defenders SNR 30 dB are mandatory in the regrind room. [2]"
