"""The shipped reader model (``retrieval/reader_model``) on passages written like sample_docs.

Each case is written here (not taken from a golden set): a question, the passage that answers
it, and an on-topic passage that does not (the References list that merely names the PPE SOP,
another site's look-alike section, a neighbouring section of the same SOP).
"""

from __future__ import annotations

import hashlib
import json

import pytest

from retrieval.adapters.reader_onnx import DEFAULT_MODEL_DIR, ReaderOnnxReranker

pytestmark = pytest.mark.integration

HEAD = "Clearing a bottle jam on FILLER-2 — BRK-SOP-012 Clearing a bottle jam on FILLER-2"
CASES = [
    (
        "What PPE do I need to clear a jam on FILLER-2?",
        f"{HEAD} > PPE\n- Brookfield site minimum (BRK-SOP-002): safety glasses, S3 shoes, hairnet,"
        " hearing protection.\n- Cut-resistant gloves to EN 388 cut level D on both hands.",
        f"{HEAD} > References\n- BRK-SOP-001 Lockout/tagout - Brookfield bottling plant\n"
        "- BRK-SOP-002 PPE requirements - Brookfield bottling plant\n- CF-900 manual, section 5",
    ),
    (
        "How long do I wait for the star wheels to stop before opening the guard on FILLER-2?",
        f"{HEAD} > Procedure\n1. Press Line Stop on the FILLER-2 HMI.\n2. Wait at least 30 seconds"
        " for the carousel and star wheels to run down, and check they are stationary.",
        f"{HEAD} > Scope\nLine 2 operators and technicians. Covers jams at the infeed worm, the"
        " infeed star wheel, the transfer star wheel and the discharge star wheel of FILLER-2.",
    ),
    (
        "torque of the gearbox coupling bolts on CONV-3",
        "Conveyor maintenance — CONV-3 gearbox\nPart | Torque\nGearbox coupling bolts M10 | 49 Nm"
        "\nMotor base bolts M12 | 85 Nm",
        "Conveyor maintenance — CONV-3 gearbox\nInspect the gearbox breather monthly and record"
        " oil level in the CMMS. Report noise or heat to the technician.",
    ),
    (
        "CONV-3 gearbox seized, what was done?",
        "Brookfield CMMS work-order export 2025\nwo_id: WO-BRK-251044 | asset: CONV-3 | symptom:"
        " CONV-3 gearbox seized, motor tripping | action: replaced gearbox and coupling",
        "Brookfield CMMS work-order export 2025\nwo_id: WO-BRK-251045 | asset: PAL-1 | symptom:"
        " hoist chain stretched | action: replaced chain, adjusted tension",
    ),
]


def test_the_shipped_files_match_the_model_card() -> None:
    card = json.loads((DEFAULT_MODEL_DIR / "reader.json").read_text())
    for name, entry in card["files"].items():
        data = (DEFAULT_MODEL_DIR / name).read_bytes()
        assert hashlib.sha256(data).hexdigest() == entry["sha256"] and len(data) == entry["bytes"]


@pytest.mark.parametrize(
    ("question", "answer", "other"),
    CASES,
    ids=["ppe", "wait", "torque", "wo"],
)
def test_the_answering_passage_scores_above_the_on_topic_one(
    question: str, answer: str, other: str
) -> None:
    reader = ReaderOnnxReranker()
    right, wrong = reader.score(question, [answer, other])
    assert right > wrong


def test_scores_are_deterministic_and_batch_order_free() -> None:
    reader = ReaderOnnxReranker(batch_size=2)
    question, answer, other = CASES[0]
    first = reader.score(question, [answer, other, answer])
    again = reader.score(question, [answer, other, answer])
    assert first == again
    assert reader.score(question, [other, answer])[::-1] == pytest.approx(first[:2], abs=0.02)


def test_a_passage_scores_the_same_whatever_it_is_read_with() -> None:
    """The served reader (one pair per run) gives a unit the same score alone or among others;
    int8 activations are quantised per run, so shared batches would move it."""
    reader = ReaderOnnxReranker()
    question, answer, _ = CASES[0]
    others = [other for _, _, other in CASES] + [a for _, a, _ in CASES[1:]]
    alone = reader.score(question, [answer])[0]
    among = reader.score(question, [*others, answer, *others])
    assert among[len(others)] == alone


def test_scores_do_not_depend_on_how_many_pairs_run_at_once() -> None:
    """Pairs run side by side on single-threaded sessions (the served default, 2 at once) score
    exactly as one at a time: the threshold calibrated on recorded scores still applies."""
    question = CASES[0][0]
    passages = [p for _, answer, other in CASES for p in (answer, other)]
    one_at_a_time = ReaderOnnxReranker(threads=1).logits(question, passages)
    assert ReaderOnnxReranker(threads=2).logits(question, passages) == one_at_a_time
    assert ReaderOnnxReranker(threads=3).logits(question, passages) == one_at_a_time
