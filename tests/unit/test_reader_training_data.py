"""The reader's training data: unit groups, perturbed questions, table questions (no model)."""

from __future__ import annotations

import json
import random
from collections.abc import Sequence
from functools import partial
from pathlib import Path

import pytest

from core.models import Chunk
from eval.golden_set import GoldenCase
from scripts.reader.composite import composite_groups, join
from scripts.reader.golden_groups import (
    Candidate,
    by_reader,
    cap_negatives,
    case_groups,
    readable_candidates,
    training_cases,
)
from scripts.reader.groups import Group
from scripts.reader.perturb import perturb
from scripts.reader.preambles import with_opening
from scripts.reader.unit_groups import (
    UnitSampler,
    corpus_units,
    load_unit_questions,
    table_questions,
    unit_groups,
)
from services.answering.evidence import quotable_units
from services.answering.units import UnitKind
from tests.answer_fixtures import CIP, JAM_INTRO, JAM_PROC, TORQUE, WORK_ORDER
from tests.answer_fixtures import hits as answer_hits

pytestmark = pytest.mark.unit
CHUNKS = [TORQUE, CIP, JAM_PROC, JAM_INTRO, WORK_ORDER]
VOCAB = {"tag": ["CONV-3", "IMM-4", "P-301"], "name": ["PET", "ABS"]}


def test_a_perturbed_question_asks_for_something_no_passage_contains() -> None:
    passages = ["Manual — CONV-3\nGearbox coupling bolts | M12 | 85 Nm", "Guard fixings | M6"]
    question = "Torque of the CONV-3 gearbox coupling bolts?"
    rng = random.Random(1)
    for _ in range(20):
        changed = perturb(question, passages, VOCAB, rng)
        assert changed and changed != question
        swapped = set(changed.split()) - set(question.split())
        assert swapped and not any(word.strip("?") in "\n".join(passages) for word in swapped)


def test_nothing_to_swap_gives_none_and_part_of_a_tag_is_not_a_name() -> None:
    assert perturb("how do I start?", ["Start the pump."], VOCAB, random.Random(1)) is None
    only_tag_part = {"tag": [], "name": ["PET"]}
    question = "What fixed the CONV-3 fault?"
    for seed in range(10):  # "CONV" is a name only inside the tag: never swapped, never kept
        assert perturb(question, ["CONV-3 belt fault"], only_tag_part, random.Random(seed)) is None


def test_table_rows_become_column_questions_about_their_subject() -> None:
    questions = dict(table_questions(corpus_units([TORQUE]), random.Random(3)))
    assert questions
    for key, question in questions.items():
        row = next(u for u in corpus_units([TORQUE]) if u.key == key).unit.text
        subject = row.strip("| ").split(" | ")[0]
        assert subject in question, (question, row)


def test_negatives_are_other_units_and_other_documents_when_asked() -> None:
    units = corpus_units(CHUNKS)
    sampler = UnitSampler(units)
    positive = next(u for u in units if "Gearbox coupling" in u.unit.text)
    rng = random.Random(5)
    near = sampler.sample(positive, "gearbox coupling torque", 4, rng)
    assert near and positive.key not in {u.key for u in near}
    assert all(u.unit.text != positive.unit.text for u in near)
    far = sampler.sample(positive, "torque of the caustic wash jam bolts", 4, rng, other_docs=True)
    assert far and all(u.chunk.doc_id != positive.chunk.doc_id for u in far)


def test_unit_groups_put_the_positive_first_and_label_variants_unanswerable(
    tmp_path: Path,
) -> None:
    units = corpus_units(CHUNKS)
    step = next(u for u in units if u.unit.text.startswith("1. Press the E-STOP"))
    questions = tmp_path / "q.jsonl"
    row = {
        "chunk_id": step.chunk.chunk_id,
        "pos": step.unit.position,
        "question": "Which button on the Filler 2 HMI do I press first?",
        "rewrite": "Filler 2 jammed again - what do I hit first on the HMI?",
    }
    questions.write_text(json.dumps(row) + "\n")
    groups = unit_groups(CHUNKS, questions, 3, seed=1, missing_share=1.0, perturb_share=1.0)
    answerable = [g for g in groups if g.source == "unit" and step.unit.text in g.passages[0]]
    assert len(answerable) == 2  # the question and its rewrite
    assert all(g.labels == [1] + [0] * (len(g.passages) - 1) for g in answerable)
    for g in groups:
        if g.source in {"unit-missing", "unit-perturbed"}:
            assert set(g.labels) == {0}
        if g.source == "unit-missing":
            assert all(step.chunk.doc_id not in p.split("\n")[0] for p in g.passages)


def test_openings_change_only_questions_and_reach_every_kind_of_group(tmp_path: Path) -> None:
    units = corpus_units(CHUNKS)
    step = next(u for u in units if u.unit.text.startswith("1. Press the E-STOP"))
    questions = tmp_path / "q.jsonl"
    row = {"chunk_id": step.chunk.chunk_id, "pos": step.unit.position,
           "question": "Which button on the Filler 2 HMI do I press first?"}  # fmt: skip
    questions.write_text(json.dumps(row) + "\n")
    args = (CHUNKS, questions, 3)
    plain = unit_groups(*args, seed=1, missing_share=1.0, perturb_share=1.0)
    opened = unit_groups(*args, seed=1, missing_share=1.0, perturb_share=1.0, opening_share=1.0)
    assert [(g.passages, g.labels, g.source) for g in plain] == [
        (g.passages, g.labels, g.source) for g in opened
    ]
    assert {g.source for g in opened} >= {"unit", "unit-missing", "unit-perturbed"}
    for before, after in zip(plain, opened, strict=True):
        assert after.query.endswith(before.query) or before.query in after.query
        assert len(after.query) > len(before.query)


def test_an_opening_names_the_asset_only_when_there_is_one() -> None:
    rng = random.Random(3)
    texts = [with_opening("What torque?", "", rng) for _ in range(50)]
    assert all("{asset}" not in t and "  " not in t and "What torque?" in t for t in texts)
    named = [with_opening("What torque?", "CAPPER-1", rng) for _ in range(50)]
    assert any("CAPPER-1" in t for t in named)


def test_a_two_part_question_gives_each_part_its_own_positive_and_an_all_negative_group() -> None:
    units = corpus_units(CHUNKS)
    torque = [u for u in units if u.chunk.chunk_id == TORQUE.chunk_id and u.unit.text.strip()]
    assert len(torque) >= 2
    pairs = [(u.key, f"What does line {u.unit.position} of the torque table say?") for u in torque]
    groups = composite_groups(UnitSampler(units), pairs, 5, 3, seed=2, missing_share=1.0)
    answerable = [g for g in groups if g.source == "unit-composite"]
    missing = [g for g in groups if g.source == "unit-composite-missing"]
    assert len(answerable) == 10 and 1 <= len(missing) <= 5
    passage_of = {u.passage: u for u in units}
    for first, second in zip(answerable[::2], answerable[1::2], strict=True):
        assert first.query == second.query and first.passages[0] != second.passages[0]
        assert first.labels == [1] + [0] * (len(first.passages) - 1)
        assert second.passages[0] not in first.passages  # the other part answers too: left out
        a, b = (passage_of[g.passages[0]] for g in (first, second))
        assert a.chunk.doc_id == b.chunk.doc_id
    for g in missing:
        assert set(g.labels) == {0}
        assert all(passage_of[p].chunk.doc_id != TORQUE.doc_id for p in g.passages)


def test_two_questions_are_joined_with_both_kept_whole() -> None:
    rng = random.Random(4)
    for _ in range(30):
        joined = join("What torque for the bolts?", "What sequence?", rng)
        assert "What torque for the bolts" in joined and "hat sequence?" in joined


def test_long_questions_train_only_when_asked_for_and_only_when_they_still_ask(
    tmp_path: Path,
) -> None:
    questions = tmp_path / "q.jsonl"
    rows = [
        {"chunk_id": "c1", "pos": 0, "question": "Which button do I press first?",
         "long": "Filler 2 has jammed again and the line is waiting. Which button first?"},
        {"chunk_id": "c1", "pos": 1, "question": "What torque on the chuck?",
         "long": "I'm checking the chuck torque on the capper and need to report it."},
        {"chunk_id": "c1", "pos": 2, "question": "When was the caustic splash?",
         "long": "The insurer keeps asking about the wrapper fire. When was the caustic splash?"},
    ]  # fmt: skip
    questions.write_text("".join(json.dumps(r) + "\n" for r in rows))
    plain = load_unit_questions(questions)
    assert [q for _, q in plain] == [r["question"] for r in rows]
    longer = load_unit_questions(questions, ("question", "rewrite", "long"))
    assert [q for _, q in longer] == [
        rows[0]["question"], rows[0]["long"], rows[1]["question"], rows[2]["question"]
    ]  # fmt: skip
    assert longer[1][0] == "c1:0"


def _case(answerable: bool, **fields: object) -> GoldenCase:
    base: dict[str, object] = {"id": "d1", "site": "brookfield", "role": "technician"}
    return GoldenCase.model_validate({**base, "answerable": answerable, **fields})


def _read(*chunks: Chunk) -> list[Candidate]:
    return [
        Candidate(h.chunk, u, h.rank) for h in answer_hits(chunks) for u in quotable_units(h.chunk)
    ]


def test_a_labelled_question_makes_the_unit_with_its_key_fact_the_positive() -> None:
    case = _case(
        True,
        question="coupling bolt torque on the conveyor gearbox?",
        relevant=[{"doc_id": "BRK-MAN-003", "section": "Torque values"}],
        must_include=["85 Nm"],
    )
    groups = case_groups(case, _read(JAM_PROC, TORQUE, CIP), lambda: [], 7, 2)
    assert [g.source for g in groups] == ["golden"]
    group = groups[0]
    assert "85 Nm" in group.passages[0] and group.labels == [1] + [0] * (len(group.labels) - 1)
    # the torque section's other rows may answer in part: neither positive nor negative
    assert not any("210 Nm" in p or "10 Nm" in p for p in group.passages[1:])
    assert len(group.passages) > 2


def test_a_key_fact_outside_the_relevant_section_is_not_a_positive() -> None:
    case = _case(
        True,
        question="coupling bolt torque?",
        relevant=[{"doc_id": "BRK-SOP-020"}],
        must_include=["85 Nm"],
    )
    unread = [Candidate(CIP, quotable_units(CIP)[0], 1)]
    groups = case_groups(case, _read(TORQUE), lambda: unread, 7, 2)
    assert [g.passages[0] for g in groups] == [unread[0].passage]  # retrieval missed it


def test_an_unanswerable_question_reads_all_negative_closest_first() -> None:
    case = _case(False, question="what torque for the gearbox coupling bolts on IMM-6?")
    (group,) = case_groups(case, _read(JAM_PROC, TORQUE), lambda: [], 3, 2)
    assert group.source == "golden-none" and group.labels == [0, 0, 0, 0]
    assert "Gearbox coupling bolts" in group.passages[0]


class _MarkerReader:
    """Scores a passage 1.0 when it holds ``marker``, else 0.0: a reader that 'likes' one
    passage whatever the question shares with it."""

    def __init__(self, marker: str) -> None:
        self.marker = marker

    def score(self, question: str, passages: Sequence[str]) -> list[float]:
        return [1.0 if self.marker in p else 0.0 for p in passages]


def test_mined_negatives_are_what_the_miner_scores_highest() -> None:
    case = _case(
        True,
        question="coupling bolt torque?",
        relevant=[{"doc_id": "BRK-MAN-003", "section": "Torque values"}],
        must_include=["85 Nm"],
    )
    cands = _read(JAM_PROC, TORQUE, CIP)
    marker = quotable_units(CIP)[-1].text
    by_overlap = case_groups(case, cands, lambda: [], 1, 1)[0]
    mined = case_groups(
        case, cands, lambda: [], 1, 1, order=partial(by_reader, _MarkerReader(marker))
    )[0]
    assert by_overlap.passages[0] == mined.passages[0] and "85 Nm" in mined.passages[0]
    assert marker in mined.passages[1] and marker not in by_overlap.passages[1]
    # the miner never turns an answering unit into a negative
    assert not any("85 Nm" in p for p in mined.passages[1:])


def test_a_passage_is_a_negative_at_most_cap_times_more_than_a_positive() -> None:
    lockout = "Lockout SOP > Procedure | 2. Tell the shift lead which asset is locked out."
    groups = [
        Group(
            f"question {i}?", [f"answer {i}", lockout, f"other {i}"], [1, 0, 0], "golden", f"k{i}"
        )
        for i in range(10)
    ]
    groups.append(Group("lockout steps?", [lockout, "x"], [1, 0], "golden", "pos"))
    capped = cap_negatives(groups, 3)
    as_negative = sum(
        p == lockout and not lab
        for g in capped
        for p, lab in zip(g.passages, g.labels, strict=True)
    )
    assert as_negative == 3 + 1  # the cap, plus once more for its one positive
    assert len(capped) == len(groups)  # rarer negatives and every positive stay
    assert all(g.passages[0].startswith("answer") for g in capped if g.key.startswith("k"))
    assert sum(len(g.passages) for g in capped) == sum(len(g.passages) for g in groups) - 6
    assert cap_negatives(groups, 0) == groups


def test_an_all_negative_group_with_nothing_left_is_dropped() -> None:
    common = "Purpose | This procedure sets the minimum requirements."
    groups = [Group(f"q{i}?", [common], [0], "golden-none", f"n{i}") for i in range(4)]
    assert len(cap_negatives(groups, 2)) == 2


def test_with_procedures_a_run_of_steps_read_whole_is_a_labelled_positive() -> None:
    """``--golden-procedures``: the run read whole is a candidate, and a positive when it
    holds the key fact in the relevant section, beside the step that holds it."""
    found = answer_hits([JAM_PROC, CIP])
    read = [c for h in found for c in readable_candidates(h, found, None, procedures=True)]
    whole = [c for c in read if c.unit.kind is UnitKind.PROCEDURE]
    assert len(whole) == 1 and whole[0].unit.text.startswith("1. Press the E-STOP")
    assert not any(c.unit.kind is UnitKind.PROCEDURE for h in found for c in readable_candidates(h))
    case = _case(
        True,
        question="what are the steps to clear a jam on filler 2?",
        relevant=[{"doc_id": "BRK-SOP-012"}],
        must_include=["MCC-2-04"],
    )
    positives = [g.passages[0] for g in case_groups(case, read, lambda: [], 7, 2)]
    assert positives == [read[1].passage, whole[0].passage]  # step 2, then the whole run


def test_a_run_read_whole_needs_key_facts_on_run_steps_lines_to_be_a_positive() -> None:
    """``--golden-procedure-steps 2``: a question about one line of a procedure does not make
    the whole run a positive (reader_v11.md); a question about the procedure still does."""
    found = answer_hits([JAM_PROC, CIP])
    read = [c for h in found for c in readable_candidates(h, found, None, procedures=True)]
    whole = next(c.passage for c in read if c.unit.kind is UnitKind.PROCEDURE)

    def groups(facts: list[str], run_steps: int) -> list[Group]:
        case = _case(
            True,
            question="what are the steps to clear a jam on filler 2?",
            relevant=[{"doc_id": "BRK-SOP-012"}],
            must_include=facts,
        )
        return case_groups(case, read, lambda: [], 7, 3, run_steps)

    assert whole in [g.passages[0] for g in groups(["MCC-2-04"], 1)]
    one_line = groups(["MCC-2-04"], 2)
    assert one_line and all(whole not in g.passages for g in one_line)  # step 2 stays; no label
    both = groups(["MCC-2-04", "cut-resistant gloves"], 2)
    assert whole in [g.passages[0] for g in both]


def _golden(path: Path, ids: list[str]) -> Path:
    lines = [
        json.dumps(
            {
                "id": i,
                "question": f"Steps for {i}?",
                "site": "brookfield",
                "role": "operator",
                "answerable": False,
                "notes": "unanswerable: test",
            }
        )
        for i in ids
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_excluded_questions_are_not_learnt_from_and_an_unknown_id_is_an_error(
    tmp_path: Path,
) -> None:
    one = _golden(tmp_path / "one.jsonl", ["a1", "a2"])
    two = _golden(tmp_path / "two.jsonl", ["b1"])
    assert [c.id for c in training_cases([one, two])] == ["a1", "a2", "b1"]
    assert [c.id for c in training_cases([one, two], {"a2"})] == ["a1", "b1"]
    with pytest.raises(ValueError, match="a3"):
        training_cases([one, two], {"a2", "a3"})
