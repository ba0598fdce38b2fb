"""Retrieval and answer metrics of the golden evaluation: pure functions over CaseResults.

Ranking metrics use binary relevance on answerable questions, at two levels:

* document level: the hits collapse to distinct doc ids (first occurrence); a unit is a
  distinct relevant doc id;
* section level: every hit counts; a unit is a relevant entry, matched by a hit of the same
  doc id whose section (normalised text, any level of the hit's section path), page and row
  match every locator the entry gives.

A unit counts once, at the first item that matches it (so nDCG never exceeds 1). Leaks, abstention
and key facts are defined in their functions. Every metric is also computed per slice.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import numpy as np

from eval.golden_set import CaseKind, RelevantRef
from eval.records import CaseResult, SourceRecord

Gains = list[frozenset[int]]
"""For each ranked item, the ids of the relevance units it matches."""

MetricValue = float | int | None


def normalise(text: str) -> str:
    """Case- and whitespace-insensitive form used by section and key-fact matching."""
    return " ".join(text.casefold().split())


# --- ranking -------------------------------------------------------------------------------


def hit_at(gains: Gains, k: int) -> float:
    """1.0 when one of the first k items is relevant."""
    return 1.0 if any(gains[:k]) else 0.0


def reciprocal_rank(gains: Gains, k: int = 10) -> float:
    """1 / rank of the first relevant item within k, else 0."""
    for rank, units in enumerate(gains[:k], start=1):
        if units:
            return 1.0 / rank
    return 0.0


def _new_units(gains: Gains, k: int) -> list[int]:
    """Per item in the top k: how many units it matches for the first time."""
    seen: set[int] = set()
    fresh = []
    for units in gains[:k]:
        fresh.append(len(units - seen))
        seen |= units
    return fresh


def ndcg_at(gains: Gains, n_units: int, k: int = 10) -> float:
    """Binary nDCG@k: each unit gains 1 at the first item matching it."""
    if n_units <= 0:
        return 0.0
    dcg = sum(1.0 / math.log2(i + 2) for i, n in enumerate(_new_units(gains, k)) if n)
    ideal = sum(1.0 / math.log2(i + 2) for i in range(min(n_units, k)))
    return dcg / ideal


def recall_at(gains: Gains, n_units: int, k: int = 10) -> float:
    """Share of the units matched by the first k items."""
    if n_units <= 0:
        return 0.0
    found = frozenset().union(*gains[:k]) if gains[:k] else frozenset()
    return len(found) / n_units


def section_matches(ref: RelevantRef, hit: SourceRecord) -> bool:
    """A hit matches a relevant entry: same doc and every given section/page/row locator."""
    if hit.doc_id != ref.doc_id:
        return False
    if ref.section is not None:
        wanted = normalise(ref.section)
        if not any(normalise(part) == wanted for part in hit.section_path):
            return False
    if ref.page is not None and hit.page != ref.page:
        return False
    return ref.row is None or hit.row == ref.row


def doc_gains(relevant: Sequence[RelevantRef], hits: Sequence[SourceRecord]) -> tuple[Gains, int]:
    """Document-level gains of the distinct retrieved doc ids, and the number of units."""
    units = list(dict.fromkeys(r.doc_id for r in relevant))
    ranked = list(dict.fromkeys(h.doc_id for h in hits))
    return [frozenset({units.index(d)}) if d in units else frozenset() for d in ranked], len(units)


def section_gains(
    relevant: Sequence[RelevantRef], hits: Sequence[SourceRecord]
) -> tuple[Gains, int]:
    """Section-level gains of every hit, and the number of distinct relevant entries."""
    units = list(dict.fromkeys(relevant))
    gains = [
        frozenset(i for i, ref in enumerate(units) if section_matches(ref, hit)) for hit in hits
    ]
    return gains, len(units)


def ranking_metrics(results: Sequence[CaseResult]) -> dict[str, MetricValue]:
    """Mean hit@1/3/5, MRR@10, nDCG@10 and recall@10 over answerable questions, both levels."""
    rows: dict[str, list[float]] = {}
    for result in results:
        if result.case.kind is not CaseKind.ANSWERABLE:
            continue
        for prefix, fn in (("", doc_gains), ("section_", section_gains)):
            gains, n = fn(result.case.relevant, result.hits)
            values = {
                "hit@1": hit_at(gains, 1),
                "hit@3": hit_at(gains, 3),
                "hit@5": hit_at(gains, 5),
                "mrr@10": reciprocal_rank(gains, 10),
                "ndcg@10": ndcg_at(gains, n, 10),
                "recall@10": recall_at(gains, n, 10),
            }
            for name, value in values.items():
                rows.setdefault(prefix + name, []).append(value)
    names = [p + n for p in ("", "section_") for n in _RANK_NAMES]
    return {name: _mean(rows.get(name, [])) for name in names}


_RANK_NAMES = ("hit@1", "hit@3", "hit@5", "mrr@10", "ndcg@10", "recall@10")


# --- answers -------------------------------------------------------------------------------


def citation_precision(results: Sequence[CaseResult]) -> float | None:
    """Mean, over answered answerable questions, of the share of citations whose doc_id is
    relevant (an answer without citations scores 0: nothing grounds it). None when no such
    question."""
    shares = []
    for r in results:
        if r.case.kind is CaseKind.ANSWERABLE and not r.abstained and r.error is None:
            relevant = set(r.case.relevant_doc_ids)
            good = sum(1 for c in r.citations if c.doc_id in relevant)
            shares.append(good / len(r.citations) if r.citations else 0.0)
    return _mean(shares)


def first_citation_metrics(results: Sequence[CaseResult]) -> dict[str, MetricValue]:
    """Over answerable questions, the share whose answer's first citation is a relevant
    document (``first_citation_doc``) and a relevant section/page/row of it
    (``first_citation_section``): what the reader opens first. An abstention scores 0."""
    doc, section = [], []
    for r in results:
        if r.case.kind is not CaseKind.ANSWERABLE or r.error is not None:
            continue
        first = r.citations[0] if r.citations and not r.abstained else None
        doc.append(float(first is not None and first.doc_id in r.case.relevant_doc_ids))
        section.append(
            float(first is not None and any(section_matches(x, first) for x in r.case.relevant))
        )
    return {"first_citation_doc": _mean(doc), "first_citation_section": _mean(section)}


def abstention_metrics(results: Sequence[CaseResult]) -> dict[str, MetricValue]:
    """Abstention as a classifier of "not answerable": precision, recall, accuracy (share
    of all questions where ``abstained == not answerable``), and ``answered_rate``: the share
    of answerable questions that got an answer (1 - false abstentions)."""
    valid = [r for r in results if r.error is None]
    answerable = [r for r in valid if r.case.answerable]
    tp = sum(1 for r in valid if r.abstained and not r.case.answerable)
    abstained = sum(1 for r in valid if r.abstained)
    unanswerable = sum(1 for r in valid if not r.case.answerable)
    correct = sum(1 for r in valid if r.abstained == (not r.case.answerable))
    return {
        "abstention_precision": _ratio(tp, abstained),
        "abstention_recall": _ratio(tp, unanswerable),
        "abstention_accuracy": _ratio(correct, len(results)),
        "answered_rate": _ratio(sum(1 for r in answerable if not r.abstained), len(answerable)),
    }


def fact_presence(answer: str, facts: Sequence[str]) -> float:
    """Share of ``facts`` found in ``answer`` (whitespace- and case-normalised substring)."""
    if not facts:
        return 1.0
    text = normalise(answer)
    return sum(1 for f in facts if normalise(f) in text) / len(facts)


def key_fact_presence(results: Sequence[CaseResult]) -> float | None:
    """Mean fact presence over answerable questions (an abstention scores 0)."""
    scores = [
        fact_presence(r.answer, r.case.must_include)
        for r in results
        if r.case.kind is CaseKind.ANSWERABLE and r.case.must_include
    ]
    return _mean(scores)


def leaks_of(result: CaseResult) -> list[str]:
    """Every leak of one question, described: a hit or citation outside the asker's scope
    (foreign site, role not in the audience, or a non-current version), and for a probe each
    hidden fact found in the answer text."""
    case = result.case
    found = []
    for label, items in (("hit", result.hits), ("citation", result.citations)):
        for item in items:
            if not item.allowed_for(case.site, case.role):
                found.append(f"{label} {item.doc_id} ({item.site}, {item.chunk_id})")
    if case.kind is CaseKind.PROBE:
        text = normalise(result.answer)
        found += [f"hidden fact {f!r}" for f in case.hidden_facts if normalise(f) in text]
    return found


def count_metrics(results: Sequence[CaseResult]) -> dict[str, MetricValue]:
    """Asset-history questions: the count is exact, and the counted rows are cited.

    ``count_exact`` is the share of count questions whose answer computed exactly
    ``expected_count`` rows (an answer that did not count scores 0); ``count_row_recall`` the
    share of the expected rows that the answer cites.
    """
    counted = [r for r in results if r.case.expected_count is not None]
    exact = [r.counted == r.case.expected_count for r in counted]
    recalls = []
    for r in counted:
        rows = {(x.doc_id, x.row) for x in r.case.relevant if x.row is not None}
        cited = {(c.doc_id, c.row) for c in r.citations}
        if rows:
            recalls.append(len(rows & cited) / len(rows))
    return {
        "count_questions": len(counted),
        "count_exact": _ratio(sum(exact), len(counted)),
        "count_row_recall": _mean(recalls),
    }


def latency_metrics(results: Sequence[CaseResult]) -> dict[str, MetricValue]:
    """p50 and p95 (linear interpolation) of search and ask latency in ms."""
    out: dict[str, MetricValue] = {}
    for name, values in (
        ("search", [r.search_ms for r in results if r.error is None]),
        ("ask", [r.ask_ms for r in results if r.error is None]),
    ):
        for q in (50, 95):
            out[f"{name}_p{q}_ms"] = round(float(np.percentile(values, q)), 2) if values else None
    return out


def compute_metrics(results: Sequence[CaseResult]) -> dict[str, MetricValue]:
    """Every metric over ``results`` (an empty list gives counts of 0 and None elsewhere)."""
    answerable = [r for r in results if r.case.kind is CaseKind.ANSWERABLE]
    metrics: dict[str, MetricValue] = {
        "questions": len(results),
        "answerable": len(answerable),
        "errors": sum(1 for r in results if r.error is not None),
    }
    metrics.update(ranking_metrics(results))
    metrics["citation_precision"] = citation_precision(results)
    metrics.update(first_citation_metrics(results))
    metrics.update(abstention_metrics(results))
    metrics["key_fact_presence"] = key_fact_presence(results)
    metrics["leaks"] = sum(len(leaks_of(r)) for r in results)
    metrics["leak_questions"] = sum(1 for r in results if leaks_of(r))
    metrics.update(count_metrics(results))
    metrics.update(latency_metrics(results))
    return metrics


SLICES: dict[str, Callable[[CaseResult], str]] = {
    "site": lambda r: r.case.site,
    "role": lambda r: r.case.role.value,
    "doc_type": lambda r: r.doc_type,
}


def sliced_metrics(
    results: Sequence[CaseResult],
) -> dict[str, dict[str, dict[str, MetricValue]]]:
    """``{slice: {value: metrics}}`` for site, role and doc type."""
    out: dict[str, dict[str, dict[str, MetricValue]]] = {}
    for name, key in SLICES.items():
        groups: dict[str, list[CaseResult]] = {}
        for result in results:
            groups.setdefault(key(result), []).append(result)
        out[name] = {value: compute_metrics(groups[value]) for value in sorted(groups)}
    return out


def _ratio(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _mean(values: Sequence[float]) -> float | None:
    return round(sum(values) / len(values), 4) if values else None
