"""ragas 0.4.3 offline: the non-LLM metrics on hand-made results, and the LLM metrics wired
but skipped unless an endpoint is configured (real ragas, so: integration)."""

from __future__ import annotations

import pytest

from core.settings import LLMSettings
from eval.golden_set import RelevantRef
from eval.ragas_eval import evidence_texts, llm_metric_objects, llm_scores, ragas_scores
from retrieval.embedders import HashingEmbedder
from tests.unit.evaluation.factories import case, result, src

pytestmark = pytest.mark.integration


def _results() -> list:  # type: ignore[type-arg]
    good_case = case("q1", relevant=[RelevantRef(doc_id="A", section="CIP")])
    good = src("A", ("SOP", "CIP")).model_copy(update={"text": "Caustic 2.0% at 80 C."})
    other = src("B").model_copy(update={"text": "Unrelated text about pallets."})
    miss_case = case("q2", relevant=[RelevantRef(doc_id="C")], must_include=["45 Nm"])
    return [
        result(good_case, [good, other], answer="Use 2.0% caustic."),
        result(miss_case, [other], answer="No idea."),
        result(case("u1", answerable=False), [other]),  # not in the retrieval dataset
    ]


def test_non_llm_metrics_offline() -> None:
    pool = [
        src("A", ("SOP", "CIP")).model_copy(update={"text": "Caustic 2.0% at 80 C."}),
        src("A", ("SOP", "PPE")).model_copy(update={"text": "Wear gloves."}),
        src("C").model_copy(update={"text": "Torque the bolts to 45 Nm."}),
    ]
    rows = _results()
    assert evidence_texts(rows[0], pool) == ["Caustic 2.0% at 80 C."]
    scores = ragas_scores(rows, pool, LLMSettings(), embedder=None)
    assert scores["id_based_context_precision"] == pytest.approx(0.25)  # (1/2 + 0/1) / 2
    assert scores["id_based_context_recall"] == pytest.approx(0.5)
    assert scores["non_llm_context_recall"] == pytest.approx(0.5)
    assert scores["string_present"] == pytest.approx(0.5)  # "2.0%" found, "45 Nm" not
    assert not {"faithfulness", "answer_relevancy"} & set(scores)


def test_llm_metrics_are_skipped_without_an_endpoint() -> None:
    assert llm_scores(_results(), LLMSettings(), HashingEmbedder()) == {}
    with pytest.raises(ValueError, match="no LLM configured"):
        llm_metric_objects(LLMSettings(), HashingEmbedder())


def test_llm_metrics_are_wired_to_the_configured_endpoint_and_local_embeddings() -> None:
    settings = LLMSettings(base_url="http://127.0.0.1:9/v1", model="local-judge")
    metrics, llm, embeddings = llm_metric_objects(settings, HashingEmbedder(16))
    assert [m.name for m in metrics] == ["faithfulness", "answer_relevancy"]
    assert all(m.llm is llm for m in metrics)
    assert metrics[1].embeddings is embeddings
    assert len(embeddings.embed_query("pump seal")) == 16  # the project's embedder, no client
    assert str(llm.langchain_llm.openai_api_base) == "http://127.0.0.1:9/v1"
