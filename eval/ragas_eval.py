"""ragas metrics of a golden run, offline.

Non-LLM metrics always run: ``IDBasedContextPrecision`` / ``IDBasedContextRecall`` (retrieved
vs relevant doc ids), ``NonLLMContextRecall`` (Levenshtein similarity of the evidence chunks to
the retrieved chunks, threshold 0.5) and ``StringPresence`` (one sample per must_include fact,
exact and case-sensitive, unlike our normalised key-fact presence). ``Faithfulness`` and
``ResponseRelevancy`` need an LLM judge: they run only when ``settings.llm.base_url`` is set,
against that OpenAI-compatible endpoint, with the project's own embedder for relevancy, so
ragas never falls back to its default OpenAI client.

ragas 0.4.3: ``evaluate()`` takes the classic metric classes from ``ragas.metrics`` (the
``ragas.metrics.collections`` ones are not accepted by it); importing them warns that the path is
deprecated, which is silenced here. Importing ragas takes ~20 s: it is imported only when used.
"""

from __future__ import annotations

import math
import os
import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from core.ports import Embedder
from core.settings import LLMSettings, apply_offline_env
from eval.golden_set import CaseKind
from eval.metrics import normalise, section_matches
from eval.records import CaseResult, SourceRecord

NON_LLM = ("id_based_context_precision", "id_based_context_recall", "non_llm_context_recall")
LLM_METRICS = ("faithfulness", "answer_relevancy")


@contextmanager
def _quiet() -> Iterator[None]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        warnings.simplefilter("ignore", UserWarning)
        yield


def evidence_texts(result: CaseResult, chunks: Sequence[SourceRecord]) -> list[str]:
    """Reference contexts of a case: chunks matching a relevant entry that hold a key fact
    (all matching chunks when none does)."""
    matching = [c for c in chunks if any(section_matches(r, c) for r in result.case.relevant)]
    facts = [normalise(f) for f in result.case.must_include]
    with_fact = [c for c in matching if any(f in normalise(c.text) for f in facts)]
    return [c.text for c in (with_fact or matching)]


def _retrieval_rows(
    results: Sequence[CaseResult], chunks: Sequence[SourceRecord]
) -> list[dict[str, Any]]:
    rows = []
    for r in results:
        if r.case.kind is not CaseKind.ANSWERABLE or r.error is not None or not r.hits:
            continue
        rows.append(
            {
                "user_input": r.case.question,
                "retrieved_contexts": [h.text for h in r.hits],
                "reference_contexts": evidence_texts(r, chunks) or [""],
                "retrieved_context_ids": list(dict.fromkeys(h.doc_id for h in r.hits)),
                "reference_context_ids": r.case.relevant_doc_ids,
                "response": r.answer,
            }
        )
    return rows


def _fact_rows(results: Sequence[CaseResult]) -> list[dict[str, Any]]:
    return [
        {"user_input": r.case.question, "response": r.answer, "reference": fact}
        for r in results
        if r.case.kind is CaseKind.ANSWERABLE and r.error is None
        for fact in r.case.must_include
    ]


def _evaluate(rows: list[dict[str, Any]], metrics: list[Any], **kwargs: Any) -> dict[str, float]:
    """Mean score per metric (NaN rows skipped) of ``rows`` under ``metrics``."""
    if not rows:
        return {}
    with _quiet():
        from ragas import EvaluationDataset, evaluate

        dataset = EvaluationDataset.from_list(rows)
        result = evaluate(dataset, metrics=metrics, show_progress=False, **kwargs)
    means: dict[str, float] = {}
    frame = result.to_pandas()  # type: ignore[union-attr]
    for metric in metrics:
        column = [v for v in frame[metric.name].tolist() if not _nan(v)]
        means[metric.name] = round(sum(column) / len(column), 4) if column else math.nan
    return means


def _nan(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def non_llm_scores(
    results: Sequence[CaseResult], chunks: Sequence[SourceRecord]
) -> dict[str, float | None]:
    """IDBasedContextPrecision/Recall, NonLLMContextRecall and StringPresence, offline."""
    apply_offline_env()
    with _quiet():
        from ragas.metrics import (
            IDBasedContextPrecision,
            IDBasedContextRecall,
            NonLLMContextRecall,
            StringPresence,
        )
    scores = _evaluate(
        _retrieval_rows(results, chunks),
        [IDBasedContextPrecision(), IDBasedContextRecall(), NonLLMContextRecall()],
    )
    scores.update(_evaluate(_fact_rows(results), [StringPresence()]))
    return {k: (None if _nan(v) else v) for k, v in scores.items()}


def llm_metric_objects(settings: LLMSettings, embedder: Embedder) -> tuple[list[Any], Any, Any]:
    """Faithfulness and ResponseRelevancy with an LLM judge at ``settings.base_url`` and the
    project's embedder: (metrics, llm, embeddings). Builds clients only; no request is sent."""
    if not settings.base_url:
        raise ValueError("no LLM configured (settings.llm.base_url)")
    with _quiet():
        from langchain_openai import ChatOpenAI
        from ragas.llms import LangchainLLMWrapper
        from ragas.metrics import Faithfulness, ResponseRelevancy

        from eval.ragas_embeddings import RagasEmbedder

        chat = ChatOpenAI(
            model=settings.model,
            base_url=settings.base_url,
            api_key=os.environ.get(settings.api_key_env) or "not-needed",  # type: ignore[arg-type]
            timeout=settings.timeout_s,
            temperature=0,
            max_retries=0,
        )
        llm = LangchainLLMWrapper(chat)
        embeddings = RagasEmbedder(embedder)
        metrics = [Faithfulness(llm=llm), ResponseRelevancy(llm=llm, embeddings=embeddings)]
    return metrics, llm, embeddings


def llm_scores(
    results: Sequence[CaseResult], settings: LLMSettings, embedder: Embedder
) -> dict[str, float | None]:
    """Faithfulness and answer relevancy of answered questions; {} when no LLM is configured."""
    if not settings.base_url:
        return {}
    metrics, llm, embeddings = llm_metric_objects(settings, embedder)
    rows = [
        {
            "user_input": r.case.question,
            "response": r.answer,
            "retrieved_contexts": [c.text for c in r.citations] or [""],
        }
        for r in results
        if not r.abstained and r.error is None
    ]
    scores = _evaluate(rows, metrics, llm=llm, embeddings=embeddings)
    return {k: (None if _nan(v) else v) for k, v in scores.items()}


def ragas_scores(
    results: Sequence[CaseResult],
    chunks: Sequence[SourceRecord],
    llm: LLMSettings,
    embedder: Embedder | None,
) -> dict[str, float | None]:
    """Every ragas metric that can run with this configuration."""
    scores = non_llm_scores(results, chunks)
    if llm.base_url and embedder is not None:
        scores.update(llm_scores(results, llm, embedder))
    return scores
