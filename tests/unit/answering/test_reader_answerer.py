"""The reader answerer on hand-built hits with the word-overlap fake reader: what it does with
the reader's scores (order, abstention, quotes, whole steps, notices, citations).

Which unit a real model prefers is tested with the shipped model in
``tests/integration/test_reader_answers.py``; here the fake makes the preferred unit obvious.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

import pytest

from core.models import BlockKind, Role
from core.settings import AnswerSettings
from core.support import SupportModel
from retrieval.readers import OverlapReader
from services.answering import ABSTAIN_TEXT
from services.answering.compose import Quote, compose, without_notices
from services.answering.evidence import quotable_units
from services.answering.reader import ReaderAnswerer, logit
from services.answering.safety import IndexSectionLookup, Notice
from services.answering.units import Unit, UnitKind
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
from tests.helpers import FAKE_ANSWER_SETTINGS

pytestmark = pytest.mark.unit
JAM_QUESTION = "remove the jammed bottles from the infeed guard on Filler 2"


class CountingReader(OverlapReader):
    """The overlap fake, counting the passages it was asked to score."""

    def __init__(self) -> None:
        super().__init__()
        self.scored = 0

    def score(self, question: str, passages: Sequence[str]) -> list[float]:
        self.scored += len(passages)
        return super().score(question, passages)


def answerer(retriever: FakeRetriever | None = None, **settings: object) -> ReaderAnswerer:
    lookup = IndexSectionLookup(retriever.index) if retriever else None
    chosen = {**FAKE_ANSWER_SETTINGS.model_dump(), **settings}
    return ReaderAnswerer(OverlapReader(), AnswerSettings(**chosen), lookup)  # type: ignore[arg-type]


def _markers(text: str) -> set[int]:
    return {int(n) for n in re.findall(r"\[(\d+)\]", text)}


def test_the_best_units_hit_is_cited_first_whatever_the_fused_order() -> None:
    got = answerer().answer(
        "Torque for the gearbox coupling bolts?", hits([CIP, WORK_ORDER, TORQUE]), Role.TECHNICIAN
    )
    assert not got.abstained and got.answerer == "reader"
    assert got.citations[0].doc_id == TORQUE.doc_id


def test_a_table_row_is_quoted_with_its_header_row_and_not_its_neighbours() -> None:
    got = answerer(reader_unit_margin=1.0).answer(
        "What is the torque for the gearbox coupling bolts?", hits([TORQUE]), Role.TECHNICIAN
    )
    assert (
        "| Fastener | Size | Torque |\n| Gearbox coupling bolts | M12 | 85 Nm | [1]" in got.answer
    )
    assert "210 Nm" not in got.answer
    assert got.safety_notices == [
        "CAUTION: Re-check the coupling bolt torque after the first 24 hours of operation."
    ]
    assert (got.citations[0].page, got.citations[0].doc_type) == (14, "manual")


def test_a_line_repeating_the_sections_heading_is_never_quoted() -> None:
    """Plain text and PDFs keep heading lines in the body; such a line names a topic and states
    no fact (an OSHA appendix answer used to be its heading alone, shown as a safety notice)."""
    title = "OSHA 1910.147"
    control = chunk(
        "osha-d",
        f"{title} — (d) Application of control\n(d) Application of control. The established "
        "procedures shall cover the following elements in sequence.",
        doc_id="OSHA",
        title=title,
        section=("(d) Application of control",),
    )
    texts = [u.text for u in quotable_units(control)]
    assert texts == ["The established procedures shall cover the following elements in sequence."]
    heading_only = chunk(
        "osha-app",
        f"{title} — Appendix A: Typical Minimal Lockout Procedure\n"
        "Appendix A: Typical Minimal Lockout Procedure",
        doc_id="OSHA",
        title=title,
        section=("Appendix A: Typical Minimal Lockout Procedure",),
    )
    assert quotable_units(heading_only) == []
    got = ReaderAnswerer(
        OverlapReader(), AnswerSettings(reader_threshold=0.0, support=SupportModel.reader_only())
    ).answer("Typical minimal lockout procedure?", hits([heading_only]), Role.OPERATOR)
    assert got.abstained, got.answer


def test_a_header_row_is_read_only_with_its_rows_never_alone() -> None:
    """Column names state no fact: a question sharing every header word but matching no row
    finds nothing to quote in the table; the rows are read (and quoted) under the header."""
    kinds = [u.kind for u in quotable_units(TORQUE) if "|" in u.text]
    assert kinds[0] is UnitKind.TABLE_HEADER and set(kinds[1:]) == {UnitKind.TABLE_ROW}
    assert [u.kind for u in quotable_units(WORK_ORDER)] == [UnitKind.TABLE_ROW]  # a lone record
    reader = CountingReader()
    got = ReaderAnswerer(
        reader, AnswerSettings(reader_threshold=0.2, support=SupportModel.reader_only())
    ).answer("Fastener size torque?", hits([TORQUE]), Role.TECHNICIAN)
    readable = [u for u in quotable_units(TORQUE) if u.kind is not UnitKind.TABLE_HEADER]
    assert reader.scored == len(readable)
    assert "| Fastener | Size | Torque | [1]" not in got.answer


def test_rows_of_one_table_are_quoted_under_one_header_line() -> None:
    got = answerer(reader_unit_margin=10.0).answer(
        "Torque for the mould clamp bolts and the gearbox coupling bolts?",
        hits([TORQUE]),
        Role.TECHNICIAN,
    )
    assert got.answer.count("| Fastener | Size | Torque |") == 1, got.answer
    assert "85 Nm" in got.answer and "210 Nm" in got.answer


def test_a_step_as_best_unit_quotes_the_whole_run_in_order_after_the_notices() -> None:
    got = answerer().answer(JAM_QUESTION, hits([JAM_PROC, JAM_INTRO, CIP]), Role.OPERATOR)
    notices, body = got.answer.split("\n\n", 1)
    assert notices.startswith("Safety notices:\n" + JAM_WARNING)
    positions = [body.index(line) for line in JAM_STEPS.splitlines()]  # sub-step too
    assert positions == sorted(positions)
    assert got.citations[0].doc_id == "BRK-SOP-012" and got.citations[0].revision == "4"


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
    got = answerer().answer("Press the E-STOP on Filler 2", hits([second, first]), Role.OPERATOR)
    assert got.answer.index("1. Press the E-STOP") < got.answer.index("5. Close the guard")


def test_steps_and_notices_are_read_from_unretrieved_chunks_of_the_section() -> None:
    first_step = JAM_PROC.model_copy(
        update={"chunk_id": "brk-sop-012:0b", "text": JAM_STEPS.splitlines()[0], "ordinal": 1}
    )
    rest = JAM_PROC.model_copy(update={"text": "\n".join(JAM_STEPS.splitlines()[1:]), "ordinal": 2})
    retriever = FakeRetriever([JAM_INTRO, first_step, rest, CIP])
    got = answerer(retriever).answer(
        "Press the E-STOP on the Filler 2 HMI panel", hits([first_step]), Role.OPERATOR
    )
    assert "5. Close the guard" in got.answer  # steps 2 to 5 come from an unretrieved chunk
    assert got.safety_notices[0] == JAM_WARNING
    cited_for_notice = [c for c in got.citations if c.chunk_id == JAM_INTRO.chunk_id]
    assert cited_for_notice and cited_for_notice[0].snippet == JAM_WARNING
    assert _markers(got.answer) == {c.n for c in got.citations}


def test_every_quote_is_verbatim_from_its_cited_chunk_and_markers_number_from_one() -> None:
    chunks = [TORQUE, CIP, WORK_ORDER, JAM_PROC, JAM_INTRO]
    by_id = {c.chunk_id: c for c in chunks}
    for question in [
        "EXT-2 zone 3 heater not heating",
        "How long does the caustic wash run?",
        "torque for the motor mount bolts",
        JAM_QUESTION,
    ]:
        got = answerer(reader_threshold=0.0).answer(question, hits(chunks), Role.TECHNICIAN)
        assert not got.abstained, question
        numbers = [c.n for c in got.citations]
        assert numbers == list(range(1, len(numbers) + 1))
        assert _markers(got.answer) == set(numbers)
        for citation in got.citations:
            source = " ".join(by_id[citation.chunk_id].text.split())
            for line in citation.snippet.splitlines():
                assert " ".join(line.split()) in source


def test_below_the_threshold_it_abstains_naming_the_closest_documents_quoting_nothing() -> None:
    got = answerer(reader_threshold=0.99).answer(
        "Torque for the pasteuriser pump impeller nut?",
        hits([TORQUE, JAM_PROC, CIP]),
        Role.TECHNICIAN,
    )
    assert got.abstained and got.answer.startswith(ABSTAIN_TEXT)
    assert got.citations == [] and got.safety_notices == []
    assert [d.doc_id for d in got.closest_documents] == [
        "BRK-MAN-003",
        "BRK-SOP-012",
        "BRK-SOP-020",
    ]
    assert "85 Nm" not in got.answer and got.support_score < 0.99


def test_the_threshold_decides_on_the_best_units_probability() -> None:
    question, given = "Torque for the gearbox coupling bolts?", hits([CIP, TORQUE])
    sure = answerer(reader_threshold=0.5).answer(question, given, Role.TECHNICIAN)
    unit = next(u for u in quotable_units(TORQUE) if "coupling" in u.text)
    expected = OverlapReader().score(question, [f"x\n{unit.header}\n{unit.text}"])[0]
    assert not sure.abstained and sure.support_score == pytest.approx(expected, abs=1e-3)
    strict = answerer(reader_threshold=min(1.0, expected + 0.01)).answer(
        question, given, Role.TECHNICIAN
    )
    assert strict.abstained


def test_the_embedders_similarity_enters_the_support_score() -> None:
    question = "Torque for the gearbox coupling bolts?"
    given = [
        h.model_copy(update={"dense_score": d})
        for h, d in zip(hits([CIP, TORQUE]), (0.2, 0.6), strict=True)
    ]
    weights = SupportModel(reader_weight=0.5, similarity_weight=8.0, bias=-2.0)
    got = answerer(reader_threshold=0.0, support=weights).answer(question, given, Role.TECHNICIAN)
    reader_only = answerer(reader_threshold=0.0).answer(question, given, Role.TECHNICIAN)
    evidence = got.support_evidence
    assert evidence is not None and evidence.similarity == pytest.approx(0.6)
    assert reader_only.support_score == pytest.approx(
        1 / (1 + math.exp(-evidence.reader_logit)), abs=1e-3
    )
    assert got.support_score == pytest.approx(weights.probability(evidence), abs=1e-3)
    far = [h.model_copy(update={"dense_score": 0.05}) for h in given]
    lower = answerer(reader_threshold=0.0, support=weights).answer(question, far, Role.TECHNICIAN)
    assert lower.support_score is not None and got.support_score is not None
    assert lower.support_score < got.support_score


def test_a_hit_without_a_cosine_does_not_count_and_none_at_all_is_zero() -> None:
    chunks = hits([CIP, TORQUE])
    mixed = [chunks[0].model_copy(update={"dense_score": 0.3}), chunks[1]]
    got = answerer(reader_threshold=0.0).answer("coupling bolts torque?", mixed, Role.TECHNICIAN)
    assert got.support_evidence is not None and got.support_evidence.similarity == 0.3
    bare = answerer(reader_threshold=0.0).answer("coupling bolts torque?", chunks, Role.TECHNICIAN)
    assert bare.support_evidence is not None and bare.support_evidence.similarity == 0.0


def test_no_hits_abstain_plainly() -> None:
    got = answerer().answer("How do I clear a jam on Filler 2?", [], Role.OPERATOR)
    assert got.abstained and got.support_score == 0.0
    assert got.answer == f"{ABSTAIN_TEXT} No document in your scope matched the question."


def test_answers_are_deterministic() -> None:
    given = hits([JAM_PROC, JAM_INTRO, CIP])
    assert answerer().answer(JAM_QUESTION, given, Role.OPERATOR) == answerer().answer(
        JAM_QUESTION, given, Role.OPERATOR
    )


def test_the_rank_prior_lets_the_fused_order_break_near_ties() -> None:
    twin = TORQUE.model_copy(update={"chunk_id": "brk-man-003:twin", "doc_id": "BRK-MAN-009"})
    question = "Torque for the gearbox coupling bolts?"
    assert (
        answerer().answer(question, hits([twin, TORQUE]), Role.TECHNICIAN).citations[0].doc_id
        == "BRK-MAN-009"
    )
    assert (
        answerer().answer(question, hits([TORQUE, twin]), Role.TECHNICIAN).citations[0].doc_id
        == "BRK-MAN-003"
    )


def test_only_the_top_hits_and_at_most_max_units_are_read() -> None:
    reader = CountingReader()
    settings = AnswerSettings(reader_candidates=2, reader_max_units=5)
    ReaderAnswerer(reader, settings).answer(
        JAM_QUESTION, hits([JAM_PROC, TORQUE, CIP, WORK_ORDER]), Role.OPERATOR
    )
    assert reader.scored == 5


def test_inline_steps_from_pdf_text_are_kept_whole_and_the_header_line_is_not_quoted() -> None:
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
    got = answerer().answer("Stop P-SCR and DP-SCR on SCR-1", hits([scrubber]), Role.OPERATOR)
    assert got.answer.splitlines() == [
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
    got = answerer().answer(
        "EXT-2 zone 3 heater not heating, what was done?", hits([row, other_row]), Role.TECHNICIAN
    )
    assert got.safety_notices == [] and "GRAN-1" not in got.answer
    assert got.citations[0].row == 42


def test_key_value_rows_are_quoted_under_their_header_row() -> None:
    record = chunk(
        "dev-3:1",
        "Field | Value\nBatch | B25-0412, 3.9 t\nViscosity | 1,850 mPa.s (spec 900 to 1,400)",
        doc_id="DUN-DEV-3",
        title="Deviation 3",
        kind=BlockKind.TABLE,
    )
    got = answerer().answer("viscosity against its spec?", hits([record]), Role.QUALITY)
    assert got.answer.startswith("Field | Value\nViscosity | 1,850 mPa.s")


def test_a_chunk_whose_quoted_sentence_is_shown_as_a_notice_keeps_citation_one() -> None:
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


def test_logit_inverts_the_sigmoid_and_stays_finite_at_the_ends() -> None:
    assert logit(0.5) == 0.0 and logit(0.880797) == pytest.approx(2.0, abs=1e-4)
    assert logit(1.0) < 30 and logit(0.0) > -30


def test_a_references_list_is_cited_but_never_read_as_the_answer() -> None:
    title = "BRK-SOP-012 Clearing a bottle jam on FILLER-2"
    refs = chunk(
        "refs",
        "- BRK-SOP-002 PPE requirements for a jam on FILLER-2",
        doc_id="BRK-SOP-012",
        title=title,
        section=(title, "References"),
    )
    ppe = chunk(
        "ppe",
        "- Cut-resistant gloves to EN 388 cut level D on both hands.",
        doc_id="BRK-SOP-012",
        title=title,
        section=(title, "PPE"),
        ordinal=1,
    )
    reader = CountingReader()
    got = ReaderAnswerer(reader, AnswerSettings(reader_threshold=0.0)).answer(
        "PPE for a jam on FILLER-2?", hits([refs, ppe]), Role.OPERATOR
    )
    assert reader.scored == 1  # the PPE item only: the References entry outscores it on words
    assert [c.chunk_id for c in got.citations] == ["ppe"]
    assert "Cut-resistant gloves" in got.answer and "PPE requirements" not in got.answer


def test_a_notice_opening_a_quoted_bullet_is_not_shown_twice() -> None:
    """The notice stays on top; the bullet it opens is quoted from the next sentence on."""
    notice = "- Hearing protection is mandatory."
    text = f"{notice} Measured noise is 89 dB(A) at the CAPPER-1 operator position."
    hall = chunk("ppe:4", text, doc_id="BRK-SOP-002", title="PPE", section=("Filler hall",))
    ranked = hits([hall])
    quotes = [Quote(h, quotable_units(h.chunk)) for h in ranked]
    notices = [Notice(notice, hall)]
    answer = compose(without_notices(quotes, notices), notices, ranked, False, 1.0)
    head, body = answer.answer.split("\n\n", 1)
    assert head == f"Safety notices:\n{notice} [1]"
    assert body == "Measured noise is 89 dB(A) at the CAPPER-1 operator position. [1]"


def test_a_notice_inside_a_quoted_unit_is_left_in_place() -> None:
    """Cutting a middle sentence would make the quote non-contiguous, so it stays."""
    notice = "Plan is to fit the kit under lockout."
    unit = Unit(f"Valve 14 drips again. {notice} Run the fill check after.", UnitKind.ITEM, 0)
    note = chunk("wo:1", unit.text, doc_id="BRK-HO-1", title="Handover", section=("Filler",))
    quotes = [Quote(hits([note])[0], [unit])]
    kept = without_notices(quotes, [Notice(notice, note)])
    assert kept[0].units == [unit]


CHANGEOVER = chunk(
    "brk-sop-020:4",
    "1. Stop CAPPER-1 and lock out.\n2. Fit the chuck for the new closure.\n"
    "3. Set the magnetic clutch to the application torque in the table.",
    doc_id="BRK-SOP-020",
    title="CAPPER-1 closure changeover",
    section=("Changeover procedure",),
    ordinal=4,
)
TORQUE_SETTINGS = chunk(
    "brk-sop-020:6",
    "| Closure | Chuck | Application torque |\n|---|---|---|\n| PCO 1810 | CH-1810 | 2.6 Nm |\n"
    "Removal torque is measured on the bench tester TQ-3.",
    doc_id="BRK-SOP-020",
    title="CAPPER-1 closure changeover",
    section=("Torque settings",),
    ordinal=6,
    kind=BlockKind.TABLE,
    notices=("Removal torque is measured on the bench tester TQ-3.",),
)
CHANGEOVER_QUESTION = (
    "set the magnetic clutch to the PCO 1810 application torque; where is removal torque measured"
)


def test_a_procedure_is_followed_by_the_best_units_from_outside_it() -> None:
    given = hits([CHANGEOVER, TORQUE_SETTINGS, CIP])
    got = answerer(procedure_extra_units=2).answer(CHANGEOVER_QUESTION, given, Role.OPERATOR)
    body = got.answer.split("\n\n", 1)[-1]
    assert body.index("1. Stop CAPPER-1") < body.index("3. Set the magnetic clutch")
    assert body.index("3. Set the magnetic clutch") < body.index("PCO 1810 | CH-1810 | 2.6 Nm")
    assert [c.chunk_id for c in got.citations][:2] == ["brk-sop-020:4", "brk-sop-020:6"]
    assert "caustic wash" not in got.answer  # outside the margin
    # a unit that is already a safety notice is not quoted again below the steps
    assert got.answer.count("Removal torque is measured on the bench tester TQ-3.") == 1


def test_without_units_beside_it_a_procedure_is_quoted_alone() -> None:
    given = hits([CHANGEOVER, TORQUE_SETTINGS, CIP])
    got = answerer(procedure_extra_units=0).answer(CHANGEOVER_QUESTION, given, Role.OPERATOR)
    assert "3. Set the magnetic clutch" in got.answer and "2.6 Nm" not in got.answer
