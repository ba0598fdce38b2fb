"""The cases a reviewer should look at, by kind of failure (listed in ``report.md``)."""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import BaseModel, Field

from eval.golden_set import CaseKind
from eval.metrics import doc_gains, hit_at, leaks_of
from eval.records import CaseResult


class Failure(BaseModel):
    """One failing case and what went wrong."""

    id: str
    site: str
    role: str
    question: str
    detail: str


class Failures(BaseModel):
    """Failing cases by kind."""

    wrong_first_citation: list[Failure] = Field(default_factory=list)
    missed_abstentions: list[Failure] = Field(default_factory=list)
    false_abstentions: list[Failure] = Field(default_factory=list)
    leaks: list[Failure] = Field(default_factory=list)
    retrieval_misses: list[Failure] = Field(default_factory=list)
    errors: list[Failure] = Field(default_factory=list)


def _failure(result: CaseResult, detail: str) -> Failure:
    c = result.case
    return Failure(id=c.id, site=c.site, role=c.role.value, question=c.question, detail=detail)


def _first_citation(result: CaseResult) -> str | None:
    """Why the first citation of an answered answerable case is wrong, or None."""
    if not result.citations:
        return "answered without citations"
    first = result.citations[0].doc_id
    if first not in result.case.relevant_doc_ids:
        return f"cites {first} first; relevant: {', '.join(result.case.relevant_doc_ids)}"
    return None


def collect_failures(results: Sequence[CaseResult]) -> Failures:
    """Sort every failing case into its lists (a case may appear in several)."""
    out = Failures()
    for r in results:
        if r.error is not None:
            out.errors.append(_failure(r, r.error))
            continue
        leaks = leaks_of(r)
        if leaks:
            out.leaks.append(_failure(r, "; ".join(leaks)))
        if r.case.kind is CaseKind.ANSWERABLE:
            if r.abstained:
                out.false_abstentions.append(_failure(r, "abstained on an answerable question"))
            elif (why := _first_citation(r)) is not None:
                out.wrong_first_citation.append(_failure(r, why))
            gains, _ = doc_gains(r.case.relevant, r.hits)
            if not hit_at(gains, 5):
                got = ", ".join(dict.fromkeys(h.doc_id for h in r.hits[:5])) or "nothing"
                out.retrieval_misses.append(_failure(r, f"top 5: {got}"))
        elif not r.abstained:
            cited = ", ".join(dict.fromkeys(c.doc_id for c in r.citations)) or "no citation"
            out.missed_abstentions.append(
                _failure(r, f"{r.case.kind.value}; answered from {cited}")
            )
    return out
