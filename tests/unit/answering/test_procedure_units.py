"""A run of numbered steps read as one passage (``AnswerSettings.reader_read_procedures``),
and quoted whole when the best unit is a sentence of the run's section.

The retrieved chunk holds only the last step of a procedure; steps 1 to 4 sit in the section's
earlier chunk, which was not retrieved. Read whole, the run answers a "what are the steps"
question that no single step answers, and the answer quotes the run from step 1.
"""

from __future__ import annotations

import pytest

from core.models import Chunk, Role
from core.settings import AnswerSettings
from retrieval.readers import OverlapReader
from services.answering.procedure import section_members
from services.answering.reader import ReaderAnswerer, readable_units
from services.answering.safety import IndexSectionLookup
from services.answering.units import UnitKind
from tests.answer_fixtures import (
    CIP,
    JAM_INTRO,
    JAM_PROC,
    JAM_STEPS,
    FakeRetriever,
    chunk,
    hits,
)
from tests.helpers import FAKE_ANSWER_SETTINGS

pytestmark = pytest.mark.unit

STEPS = JAM_STEPS.splitlines()
EARLY = JAM_PROC.model_copy(
    update={"chunk_id": "brk-sop-012:1a", "text": "\n".join(STEPS[:5]), "ordinal": 1}
)
LAST = JAM_PROC.model_copy(
    update={
        "chunk_id": "brk-sop-012:1b",
        "text": f"{STEPS[5]}\n\nLog the jam in the shift book.",
        "ordinal": 2,
        "safety_notices": (),
    }
)
QUESTION = "Steps to clear Filler 2: E-STOP, lockout, guard, star wheel, restart?"


def answerer(read_procedures: bool) -> tuple[ReaderAnswerer, FakeRetriever]:
    retriever = FakeRetriever([JAM_INTRO, EARLY, LAST, CIP])
    settings = AnswerSettings(
        **{**FAKE_ANSWER_SETTINGS.model_dump(), "reader_read_procedures": read_procedures}
    )
    lookup = IndexSectionLookup(retriever.index)
    return ReaderAnswerer(OverlapReader(), settings, lookup), retriever


def test_the_whole_run_is_read_and_quoted_from_its_first_step() -> None:
    reader, _ = answerer(read_procedures=True)
    got = reader.answer(QUESTION, hits([LAST, CIP]), Role.OPERATOR)
    assert not got.abstained, got.answer
    body = got.answer.split("\n\n", 1)[1]  # after the safety notices
    positions = [body.index(line.strip()) for line in STEPS]
    assert positions == sorted(positions)  # steps 1 to 5 (and the sub-item), in order, once
    assert all(body.count(line.strip()) == 1 for line in STEPS)
    assert EARLY.chunk_id in {c.chunk_id for c in got.citations}  # the unretrieved chunk


def test_without_procedure_units_only_single_units_are_read() -> None:
    reader, _ = answerer(read_procedures=False)
    got = reader.answer(QUESTION, hits([LAST, CIP]), Role.OPERATOR)
    assert "1. Press the E-STOP" not in got.answer
    assert EARLY.chunk_id not in {c.chunk_id for c in got.citations}


def test_a_procedure_unit_joins_the_runs_steps_across_the_section() -> None:
    _, retriever = answerer(read_procedures=True)
    lookup = IndexSectionLookup(retriever.index)
    found = hits([LAST])
    units = readable_units(found[0], found, lookup, whole=True)
    whole = [u for u in units if u.kind is UnitKind.PROCEDURE]
    assert len(whole) == 1 and whole[0].text.splitlines() == STEPS
    assert readable_units(found[0], found, lookup, whole=False) == units[: -len(whole)]


def test_a_single_step_is_not_a_procedure_unit() -> None:
    lone = JAM_PROC.model_copy(update={"chunk_id": "x:1", "text": STEPS[0], "section_path": ()})
    found = hits([lone])
    units = readable_units(found[0], found, None, whole=True)
    assert [u.kind for u in units] == [UnitKind.STEP]


def test_an_unretrieved_chunk_is_a_member_of_its_own_section() -> None:
    _, retriever = answerer(read_procedures=True)
    members = section_members(EARLY, hits([LAST]), IndexSectionLookup(retriever.index))
    ids = [m.chunk.chunk_id for m in members]
    assert ids == [JAM_INTRO.chunk_id, EARLY.chunk_id, LAST.chunk_id]


SWAP_STEPS = [
    "1. Start the standby pump with its discharge valve 1/4 open.",
    "2. Open the standby discharge valve fully while closing the duty pump discharge valve.",
    "3. Stop the old duty pump; close its discharge valve; leave the suction valve open.",
    "4. Record the change and both seal pot levels in the pump log.",
]
SWAP_LEAD = "P-301 and P-302 swap duty every Monday on day shift so that both seals stay wetted."


def _swap(chunk_id: str, text: str, ordinal: int) -> Chunk:
    return chunk(
        chunk_id,
        text,
        doc_id="DUN-SOP-020",
        title="Transfer pumps",
        site="dunmore",
        section=("Weekly duty changeover",),
        ordinal=ordinal,
    )


def test_a_sentence_of_a_procedures_section_is_quoted_with_the_whole_procedure() -> None:
    """The lead sentence wins the reader (the question repeats it) but says nothing of how the
    swap is done; the section's one run of steps follows it, read from an unretrieved chunk."""
    lead = _swap("swap:0", SWAP_LEAD, 0)
    steps = _swap("swap:1", "\n".join(SWAP_STEPS), 1)
    retriever = FakeRetriever([lead, steps, CIP])
    reader = ReaderAnswerer(
        OverlapReader(), FAKE_ANSWER_SETTINGS, IndexSectionLookup(retriever.index)
    )
    got = reader.answer(
        "P-301 and P-302 swap duty every Monday - how?", hits([lead, CIP]), Role.OPERATOR
    )
    assert not got.abstained, got.answer
    positions = [got.answer.index(line) for line in [SWAP_LEAD, *SWAP_STEPS]]
    assert positions == sorted(positions), got.answer
    assert [c.chunk_id for c in got.citations][:2] == ["swap:0", "swap:1"]


def test_a_sentence_of_a_section_with_two_runs_of_steps_is_quoted_alone() -> None:
    """Two procedures in one section: which one the sentence belongs to is unclear."""
    two = "\n".join([SWAP_LEAD, *SWAP_STEPS, "Monthly:", "1. Test the seal alarm.", "2. Log it."])
    found = hits([_swap("swap:2", two, 0)])
    got = ReaderAnswerer(OverlapReader(), FAKE_ANSWER_SETTINGS).answer(
        "P-301 and P-302 swap duty every Monday on day shift?", found, Role.OPERATOR
    )
    assert SWAP_LEAD in got.answer and SWAP_STEPS[0] not in got.answer, got.answer
