"""Run the golden set through the real services: ``search`` and ``ask`` as each case's asker.

For every case the runner calls :func:`services.search.run_search` (the function behind
``services.search.search``, which also reports latency) and :func:`services.ask.ask` with the
case's site and role and the user name ``eval``, then records what came back as a
:class:`eval.records.CaseResult`: hits and citations with their scope attributes (site,
audience, and whether their version is the one the registry serves), the answer, and timings.
A retriever can be substituted (the broken-retriever gate test); it then serves both calls.
"""

from __future__ import annotations

import contextlib
import dataclasses
import secrets
import subprocess
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field
from sqlalchemy import select

from core.db.tables import DocumentRow
from core.errors import PlantCopilotError
from core.models import DocumentStatus, file_sha256
from core.ports import Retriever
from eval.failures import Failures, collect_failures
from eval.gate import GateResult, Thresholds, check_gate
from eval.golden_set import CaseKind, GoldenCase, load_golden
from eval.metrics import MetricValue, compute_metrics, sliced_metrics
from eval.records import NO_DOC_TYPE, CaseResult
from eval.sources import citation_records, hit_records, served_chunks
from services.ask import ask
from services.search import run_search
from services.wiring import Components

REPO = Path(__file__).resolve().parents[1]
EVAL_USER = "eval"
SEARCH_K = 10
"""Hits requested from search: the ranking metrics look at the first 10."""

Progress = Callable[[int, int, str], None]
"""Called with (cases done, total, case id) after each case."""


def with_retriever(components: Components, retriever: Retriever) -> Components:
    """A copy of ``components`` whose search and ask use ``retriever``."""
    return dataclasses.replace(components, _retriever=retriever)


def current_doc_types(components: Components) -> dict[str, str]:
    """doc_id -> doc type of every served document."""
    with components.db.session() as session:
        rows = session.execute(
            select(DocumentRow.doc_id, DocumentRow.doc_type).where(
                DocumentRow.status == DocumentStatus.CURRENT.value
            )
        )
        return {doc_id: doc_type for doc_id, doc_type in rows}


def case_doc_type(case: GoldenCase, doc_types: dict[str, str]) -> str:
    """The slice of a case: doc type of its first relevant document (for a probe, of the
    out-of-scope document it names), else ``none``."""
    ids = case.relevant_doc_ids or (case.probe_doc_ids if case.kind is CaseKind.PROBE else [])
    for doc_id in ids:
        if doc_id in doc_types:
            return doc_types[doc_id]
    return NO_DOC_TYPE


def run_case(
    components: Components, case: GoldenCase, doc_types: dict[str, str], k: int = SEARCH_K
) -> CaseResult:
    """Search and ask as the case's asker; an expected error is recorded, not raised."""
    result = CaseResult(case=case, doc_type=case_doc_type(case, doc_types))
    try:
        started = time.perf_counter()
        found = run_search(components, case.question, case.site, case.role, k)
        result.search_ms = round((time.perf_counter() - started) * 1000, 3)
        result.hits = hit_records(components, found.hits)
        started = time.perf_counter()
        answered = ask(
            components, case.question, case.site, case.role, user=EVAL_USER, today=case.as_of
        )
        result.ask_ms = round((time.perf_counter() - started) * 1000, 3)
        result.answer = answered.answer.answer
        result.abstained = answered.answer.abstained
        result.support_score = answered.answer.support_score
        result.support_evidence = answered.answer.support_evidence
        result.citations = citation_records(components, answered.answer.citations)
        history = answered.answer.history
        result.counted = history.count if history is not None else None
    except PlantCopilotError as exc:
        result.error = f"{type(exc).__name__}: {exc}"
    return result


def warm_up(components: Components, case: GoldenCase) -> None:
    """One untimed search, so that loading the model and the index snapshot (seconds) is not
    counted as the first question's latency."""
    with contextlib.suppress(PlantCopilotError):  # the case itself will record the error
        run_search(components, case.question, case.site, case.role, 1)


def run_golden(
    components: Components,
    cases: Sequence[GoldenCase],
    retriever: Retriever | None = None,
    progress: Progress | None = None,
    k: int = SEARCH_K,
) -> list[CaseResult]:
    """Every case in order (with ``retriever`` substituted when given)."""
    wired = with_retriever(components, retriever) if retriever is not None else components
    doc_types = current_doc_types(wired)
    if cases:
        warm_up(wired, cases[0])
    results = []
    for done, case in enumerate(cases, start=1):
        results.append(run_case(wired, case, doc_types, k))
        if progress is not None:
            progress(done, len(cases), case.id)
    return results


class EvalRun(BaseModel):
    """A complete golden evaluation: metrics overall and by slice, ragas, gate, failures."""

    run_id: str
    created_at: datetime
    golden_file: str
    golden_sha256: str
    metrics: dict[str, MetricValue]
    slices: dict[str, dict[str, dict[str, MetricValue]]]
    ragas: dict[str, float | None] = Field(default_factory=dict)
    thresholds: Thresholds
    gate: GateResult
    failures: Failures
    git_commit: str | None = None
    params: dict[str, Any] = Field(default_factory=dict)


def new_run_id(now: datetime) -> str:
    """Sortable, readable and unique enough: ``20261122T140501Z-3fa2``."""
    return f"{now.strftime('%Y%m%dT%H%M%SZ')}-{secrets.token_hex(2)}"


def git_commit(repo: Path = REPO) -> str | None:
    """HEAD of the checkout (``+dirty`` when files changed), or None outside a git checkout."""
    try:
        head = subprocess.run(
            ["git", "-C", str(repo), "rev-parse", "HEAD"],
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(repo), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    return f"{head}+dirty" if dirty else head or None


def summarise(
    results: Sequence[CaseResult], thresholds: Thresholds, ragas: dict[str, float | None]
) -> tuple[dict[str, MetricValue], GateResult]:
    """Overall metrics (ragas scores added with a ``ragas_`` prefix) and the gate on them."""
    metrics = compute_metrics(results)
    metrics.update({f"ragas_{name}": value for name, value in ragas.items()})
    return metrics, check_gate(metrics, thresholds)


def run_params(components: Components, retriever: Retriever | None) -> dict[str, Any]:
    """The settings a run's figures depend on, recorded with it."""
    settings = components.settings
    return {
        "search_k": SEARCH_K,
        "retrieve_k": settings.answer.retrieve_k,
        "reader_threshold": settings.answer.reader_threshold,
        "answerer": "llm" if settings.llm.enabled else "reader",
        "retriever": type(retriever).__name__ if retriever else "wired",
    }


def evaluate_golden(
    components: Components,
    golden: Path,
    thresholds: Thresholds,
    with_ragas: bool = True,
    retriever: Retriever | None = None,
    progress: Progress | None = None,
) -> tuple[EvalRun, list[CaseResult]]:
    """Load the golden file, run every case, and score the run (not stored, not written)."""
    cases = load_golden(golden)
    created = datetime.now(UTC)
    results = run_golden(components, cases, retriever, progress)
    ragas: dict[str, float | None] = {}
    if with_ragas:
        from eval.ragas_eval import ragas_scores

        embedder = components.embedder() if components.settings.llm.base_url else None
        ragas = ragas_scores(results, served_chunks(components), components.settings.llm, embedder)
    metrics, gate = summarise(results, thresholds, ragas)
    run = EvalRun(
        run_id=new_run_id(created),
        created_at=created,
        golden_file=str(golden.resolve()),
        golden_sha256=file_sha256(golden),
        metrics=metrics,
        slices=sliced_metrics(results),
        ragas=ragas,
        thresholds=thresholds,
        gate=gate,
        failures=collect_failures(results),
        git_commit=git_commit(),
        params=run_params(components, retriever),
    )
    return run, results
