"""The reader answerer: the reader's scores decide abstention, sources, quotes and steps."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from core.models import Role
from core.settings import AnswerSettings
from retrieval.readers import OverlapReader
from services.answering.reader import ReaderAnswerer, logit
from services.answering.support import support_score
from tests.answer_fixtures import CIP, JAM_INTRO, JAM_PROC, TORQUE, WORK_ORDER, hits

pytestmark = pytest.mark.unit


class CountingReader(OverlapReader):
    """The overlap fake, counting the passages it was asked to score."""

    def __init__(self) -> None:
        super().__init__()
        self.scored = 0

    def score(self, question: str, passages: Sequence[str]) -> list[float]:
        self.scored += len(passages)
        return super().score(question, passages)


def answerer(**settings: object) -> ReaderAnswerer:
    return ReaderAnswerer(OverlapReader(), AnswerSettings(**settings))  # type: ignore[arg-type]


def test_the_reader_reorders_hits_and_the_best_one_is_cited_first() -> None:
    got = answerer().answer(
        "Torque for the gearbox coupling bolts?", hits([CIP, WORK_ORDER, TORQUE]), Role.TECHNICIAN
    )
    assert not got.abstained and got.answerer == "reader"
    assert got.citations[0].doc_id == TORQUE.doc_id
    assert "85 Nm" in got.answer


def test_below_the_threshold_it_abstains_and_names_the_closest_documents() -> None:
    got = answerer(reader_threshold=0.99, reader_abstain="reader").answer(
        "Torque for the gearbox coupling bolts?", hits([CIP, TORQUE]), Role.TECHNICIAN
    )
    assert got.abstained and got.citations == []
    assert {d.doc_id for d in got.closest_documents} == {TORQUE.doc_id, CIP.doc_id}
    assert got.support_score < 0.99


def test_no_hits_abstain() -> None:
    got = answerer().answer("anything at all?", [], Role.OPERATOR)
    assert got.abstained and got.support_score == 0.0


def test_a_step_as_best_unit_quotes_the_whole_run_in_order() -> None:
    got = answerer().answer(
        "remove the jammed bottles from the infeed guard",
        hits([JAM_PROC, JAM_INTRO]),
        Role.OPERATOR,
    )
    body = got.answer.split("\n\n")[-1]
    positions = [body.find(f"{n}. ") for n in range(1, 6)]
    assert all(p >= 0 for p in positions) and positions == sorted(positions)


def test_a_reranked_hit_is_not_scored_again() -> None:
    reader = CountingReader()
    ranked = [h.model_copy(update={"rerank_score": 0.9}) for h in hits([TORQUE, CIP])]
    ReaderAnswerer(reader, AnswerSettings()).judge("gearbox coupling torque", ranked)
    assert reader.scored == 0


def test_logit_inverts_the_sigmoid_and_stays_finite_at_the_ends() -> None:
    assert logit(0.5) == 0.0 and logit(0.880797) == pytest.approx(2.0, abs=1e-4)
    assert logit(1.0) < 30 and logit(0.0) > -30


def test_by_default_it_abstains_on_the_support_score_not_the_readers_probability() -> None:
    # The reader's probability still orders the hits, but on the development sets the support
    # score separated answerable from unanswerable questions better (docs/models.md).
    question = "Torque for the gearbox coupling bolts?"
    given = hits([CIP, TORQUE])
    sure = answerer(reader_threshold=0.99).answer(question, given, Role.TECHNICIAN)
    assert not sure.abstained
    assert sure.support_score == pytest.approx(support_score(question, given))
    off_topic = "Regeneration temperature of the desiccant dryer?"
    unsure = answerer(reader_threshold=0.0).answer(off_topic, given, Role.TECHNICIAN)
    assert unsure.abstained and unsure.citations == []
