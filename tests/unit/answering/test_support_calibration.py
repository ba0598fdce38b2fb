"""The support score separates answerable from unanswerable questions on a small own set, and the
sweep/choose hook of eval/support_calibration.py picks a threshold consistent with the default."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from core.settings import AnswerSettings
from eval.support_calibration import (
    CalibrationCase,
    ScoredCase,
    choose_threshold,
    load_cases,
    score_cases,
    sweep,
)
from tests.answer_fixtures import CORPUS, FakeRetriever

pytestmark = pytest.mark.unit

B, C = "brookfield", "calder"
CASES = [
    ("How do I clear a jam on Filler 2?", B, "operator", True),
    ("What PPE do I need for the caustic wash?", B, "operator", True),
    ("How long does the caustic wash run?", B, "operator", True),
    ("What temperature is the caustic wash?", B, "operator", True),
    ("What is the torque for the gearbox coupling bolts on CONV-3?", B, "technician", True),
    ("Torque for the CONV-3 motor mount bolts?", B, "technician", True),
    ("EXT-2 zone 3 heater not heating, what was done?", B, "technician", True),
    ("Is lockout needed before clearing a filler jam?", B, "operator", True),
    ("What is the pasteuriser pump impeller nut torque?", C, "technician", True),
    ("What temperature did the holding tube reach in deviation DEV-114?", C, "quality", True),
    ("What is the pasteuriser pump impeller nut torque?", B, "technician", False),
    ("What temperature did the holding tube reach in deviation DEV-114?", B, "quality", False),
    ("What temperature did the holding tube reach in deviation DEV-114?", C, "operator", False),
    ("Who is the plant manager at Brookfield?", B, "operator", False),
    ("What is the torque for the gearbox coupling bolts on CONV-7?", B, "technician", False),
    ("What is the shelf life of Lemon Sparkle?", B, "operator", False),
    ("How do I calibrate the checkweigher on Line 4?", B, "operator", False),
]


def _cases() -> list[CalibrationCase]:
    return [
        CalibrationCase(id=f"c{i}", question=q, site=s, role=r, answerable=a)
        for i, (q, s, r, a) in enumerate(CASES)
    ]


def test_default_threshold_separates_the_own_set() -> None:
    scored = score_cases(_cases(), FakeRetriever(CORPUS), k=8)
    threshold = AnswerSettings().abstain_threshold
    wrong = [c.question for c in scored if (c.support >= threshold) != c.answerable]
    assert wrong == []
    best = choose_threshold(sweep(scored))
    assert best.false_answers == 0 and best.false_abstentions == 0


def test_sweep_counts_and_prefers_fewer_false_answers() -> None:
    def case(i: int, support: float, answerable: bool) -> ScoredCase:
        return ScoredCase(
            id=str(i), question="q", site=B, role="operator", answerable=answerable, support=support
        )

    scored = [case(1, 0.9, True), case(2, 0.5, True), case(3, 0.55, False), case(4, 0.1, False)]
    points = {p.threshold: p for p in sweep(scored, [0.3, 0.52, 0.6])}
    assert (points[0.3].false_answers, points[0.3].false_abstentions) == (1, 0)
    assert (points[0.6].false_answers, points[0.6].false_abstentions) == (0, 1)
    assert choose_threshold(list(points.values())).threshold == 0.6  # 1 abstention < 1 answer x2


def test_golden_file_format_is_read(tmp_path: Path) -> None:
    row = {
        "id": "g001",
        "question": "What caustic concentration?",
        "site": B,
        "role": "operator",
        "answerable": True,
        "relevant": [{"doc_id": "BRK-SOP-014"}],
        "must_include": ["2.0%"],
        "notes": "",
    }
    path = tmp_path / "golden.jsonl"
    path.write_text(json.dumps(row) + "\n\n", encoding="utf-8")
    assert load_cases(path) == [
        CalibrationCase(
            id="g001", question=row["question"], site=B, role="operator", answerable=True
        )
    ]
