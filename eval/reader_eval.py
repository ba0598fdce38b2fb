"""Does the reader pick the right passage, and does its best score tell answerable questions?

    PLANT_COPILOT_HOME=/tmp/reader-home PYTHONPATH=. .venv/bin/python -m eval.reader_eval \
        [--golden eval/golden/test5.jsonl ...] [--candidates 20] [--cases-out F] [--json]

With ``sample_docs`` indexed in the home, every question of the development sets (default: all
``eval/golden/*.jsonl``) is searched as its asker (site, role) with the real hybrid retriever and
NO reranker (the fused top ``--candidates``), asked once through ``services.ask`` for the current
support score and first citation, and its candidates are scored by the reader. Printed per set
and pooled: first citation right document / right section (fused order, reader order, and
``ask``'s own first citation), document hit@5 before and after reranking, AUC of the best reader
score vs the support score for answerable against unanswerable questions (probes are
unanswerable for the asker), and reader latency for 8, 12 and 20 candidates.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from pydantic import BaseModel

from core.answers import Citation
from core.ports import Reranker
from core.settings import apply_offline_env, load_settings
from eval.golden_set import GoldenCase, RelevantRef, load_golden
from eval.metrics import section_matches
from eval.records import SourceRecord
from eval.sources import hit_records
from services.wiring import Components, build

GOLDEN_DIR = Path(__file__).resolve().parent / "golden"


class CaseScores(BaseModel):
    """One question: its fused candidates (records) with reader scores, and ask's outcome."""

    set: str
    id: str
    answerable: bool
    relevant: list[RelevantRef]
    records: list[SourceRecord]
    reader: list[float]
    fused: list[float] = []
    support_score: float
    ask_first: SourceRecord | None


def auc(positives: Sequence[float], negatives: Sequence[float]) -> float | None:
    """Probability that a random positive outscores a random negative (ties count half)."""
    if not positives or not negatives:
        return None
    wins = sum((p > n) + 0.5 * (p == n) for p in positives for n in negatives)
    return round(wins / (len(positives) * len(negatives)), 4)


def reader_order(case: CaseScores, top: int, mix: float = 0.0) -> list[SourceRecord]:
    """The first ``top`` candidates sorted by reader score plus ``mix`` times the fused score
    min-max scaled inside the head (as ``eval/beir/rerank.py``), then the rest."""
    n = min(top, len(case.records))
    fused = case.fused[:n] or [0.0] * n
    low, span = min(fused, default=0.0), (max(fused, default=0.0) - min(fused, default=0.0)) or 1.0
    value = [case.reader[i] + mix * (fused[i] - low) / span for i in range(n)]
    head = sorted(range(n), key=lambda i: (-value[i], i))
    return [case.records[i] for i in head] + case.records[top:]


def first_right(case: CaseScores, first: SourceRecord | None) -> tuple[bool, bool]:
    """(right document, right section) of a first hit or citation."""
    if first is None:
        return False, False
    doc = first.doc_id in {r.doc_id for r in case.relevant}
    return doc, any(section_matches(r, first) for r in case.relevant)


def hit_at_5(case: CaseScores, order: Sequence[SourceRecord]) -> bool:
    """A relevant document among the first five distinct documents."""
    docs = list(dict.fromkeys(r.doc_id for r in order))[:5]
    return any(r.doc_id in docs for r in case.relevant)


def _share(flags: Sequence[bool]) -> float | None:
    return round(sum(flags) / len(flags), 4) if flags else None


def summarise(
    cases: Sequence[CaseScores], top: int, mix: float = 0.0
) -> dict[str, float | int | None]:
    """The figures of one set (or the pool) for reranking the first ``top`` candidates."""
    answerable = [c for c in cases if c.answerable]
    fused = [first_right(c, next(iter(c.records), None)) for c in answerable]
    reread = [first_right(c, next(iter(reader_order(c, top, mix)), None)) for c in answerable]
    asked = [first_right(c, c.ask_first) for c in answerable]

    def best(c: CaseScores) -> float:
        return max(c.reader[:top], default=0.0)

    return {
        "questions": len(cases),
        "answerable": len(answerable),
        "first_doc_fused": _share([d for d, _ in fused]),
        "first_doc_reader": _share([d for d, _ in reread]),
        "first_doc_ask": _share([d for d, _ in asked]),
        "first_section_fused": _share([s for _, s in fused]),
        "first_section_reader": _share([s for _, s in reread]),
        "first_section_ask": _share([s for _, s in asked]),
        "hit5_fused": _share([hit_at_5(c, c.records) for c in answerable]),
        "hit5_reader": _share([hit_at_5(c, reader_order(c, top, mix)) for c in answerable]),
        "auc_reader_best": auc(
            [best(c) for c in answerable], [best(c) for c in cases if not c.answerable]
        ),
        "auc_support": auc(
            [c.support_score for c in answerable],
            [c.support_score for c in cases if not c.answerable],
        ),
    }


def score_case(
    components: Components, reader: Reranker, case: GoldenCase, name: str, candidates: int
) -> CaseScores:
    """Search (no reranker), ask once, and read every candidate."""
    from services.ask import ask
    from services.search import search

    hits = search(components, case.question, case.site, case.role, candidates)
    records = hit_records(components, hits)
    result = ask(components, case.question, case.site, case.role, user="reader-eval")
    cited = citation_first(components, result.answer.citations)
    return CaseScores(
        set=name,
        id=case.id,
        answerable=case.answerable,
        relevant=case.relevant,
        records=records,
        reader=reader.score(case.question, [h.chunk.text for h in hits]),
        fused=[h.score for h in hits],
        support_score=float(result.answer.support_score or 0.0),
        ask_first=cited,
    )


def citation_first(components: Components, citations: Sequence[Citation]) -> SourceRecord | None:
    """The first citation as a record (None when ``ask`` abstained)."""
    from eval.sources import citation_records

    records = citation_records(components, citations[:1])
    return records[0] if records else None


def latency(
    reader: Reranker, cases: Sequence[GoldenCase], texts: dict[str, list[str]], questions: int
) -> dict[str, dict[str, float]]:
    """Reader wall time (ms) for 8, 12 and 20 candidates over up to ``questions`` questions."""
    out: dict[str, dict[str, float]] = {}
    sample = [c for c in cases if len(texts[c.id]) >= 20][:questions]
    if not sample:
        return out
    for n in (8, 12, 20):
        times = []
        for case in sample:
            started = time.perf_counter()
            reader.score(case.question, texts[case.id][:n])
            times.append((time.perf_counter() - started) * 1000)
        times.sort()
        out[str(n)] = {
            "p50_ms": round(statistics.median(times), 1),
            "p95_ms": round(times[int(0.95 * (len(times) - 1))], 1),
            "runs": len(times),
        }
    return out


def _golden_files(given: Sequence[Path]) -> list[Path]:
    return list(given) or sorted(GOLDEN_DIR.glob("*.jsonl"))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Reader vs fused order and support score")
    parser.add_argument("--golden", type=Path, action="append", default=[])
    parser.add_argument("--candidates", type=int, default=20)
    parser.add_argument("--mix", type=float, default=0.0, help="weight of the fused score")
    parser.add_argument("--model-dir", type=Path, default=None)
    parser.add_argument("--cases-out", type=Path, help="write per-question scores (JSONL)")
    parser.add_argument(
        "--cases-in", type=Path, action="append", help="recompute figures from --cases-out files"
    )
    parser.add_argument(
        "--rescore", action="store_true", help="with --cases-in: score the records again"
    )
    parser.add_argument("--latency-questions", type=int, default=40, help="0: no latency run")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    apply_offline_env()
    from retrieval.adapters.reader_onnx import DEFAULT_MODEL_DIR, ReaderOnnxReranker

    reader = ReaderOnnxReranker(args.model_dir or DEFAULT_MODEL_DIR)
    timing: dict[str, dict[str, float]] = {}
    if args.cases_in:
        lines = [ln for path in args.cases_in for ln in path.read_text().splitlines()]
        cases = [CaseScores.model_validate_json(line) for line in lines]
        if args.rescore:
            questions = _questions()
            cases = [rescore(reader, c, questions) for c in cases]
        timing = _latency_from_cases(reader, cases, args.latency_questions)
    else:
        cases, timing = _collect(args, reader)
    report = _report(cases, args.candidates, timing, args.mix)
    print(json.dumps(report, indent=2) if args.json else _table(report))
    return 0


def _questions() -> dict[tuple[str, str], str]:
    return {
        (path.stem, c.id): c.question
        for path in sorted(GOLDEN_DIR.glob("*.jsonl"))
        for c in load_golden(path)
    }


def rescore(
    reader: Reranker, case: CaseScores, questions: dict[tuple[str, str], str]
) -> CaseScores:
    """The case with its records read again by ``reader`` (to compare models on one run)."""
    question = questions[(case.set, case.id)]
    return case.model_copy(
        update={"reader": reader.score(question, [r.text for r in case.records])}
    )


def _latency_from_cases(
    reader: Reranker, cases: Sequence[CaseScores], questions: int
) -> dict[str, dict[str, float]]:
    """The latency run over recorded candidates (question texts read from the golden files)."""
    golden = {
        (path.stem, c.id): c
        for path in sorted(GOLDEN_DIR.glob("*.jsonl"))
        for c in load_golden(path)
    }
    texts = {c.set + c.id: [r.text for r in c.records] for c in cases}
    asked = [golden[(c.set, c.id)].model_copy(update={"id": c.set + c.id}) for c in cases]
    return latency(reader, asked, texts, questions)


def _collect(
    args: argparse.Namespace, reader: Reranker
) -> tuple[list[CaseScores], dict[str, dict[str, float]]]:
    settings = load_settings()
    settings = settings.model_copy(
        update={
            "retrieval": settings.retrieval.model_copy(
                update={"reranker": "none", "rerank_model_path": None}
            )
        }
    )
    components = build(settings)
    cases: list[CaseScores] = []
    texts: dict[str, list[str]] = {}
    pooled: list[GoldenCase] = []
    out = args.cases_out.open("w") if args.cases_out else None  # one line per case, as it goes
    for path in _golden_files(args.golden):
        golden = load_golden(path)
        for case in golden:
            scored = score_case(components, reader, case, path.stem, args.candidates)
            cases.append(scored)
            texts[case.id + path.stem] = [r.text for r in scored.records]
            if out is not None:
                out.write(scored.model_dump_json() + "\n")
                out.flush()
        pooled += [c.model_copy(update={"id": c.id + path.stem}) for c in golden]
        print(f"{path.stem}: {len(golden)} questions", file=sys.stderr)
    if out is not None:
        out.close()
    return cases, latency(reader, pooled, texts, args.latency_questions)


def _report(
    cases: Sequence[CaseScores], top: int, timing: dict[str, dict[str, float]], mix: float
) -> dict[str, object]:
    sets = sorted({c.set for c in cases})
    figures = {name: summarise([c for c in cases if c.set == name], top, mix) for name in sets}
    figures["pooled"] = summarise(cases, top, mix)
    return {"candidates": top, "mix": mix, "sets": figures, "latency": timing}


def _table(report: dict[str, object]) -> str:
    sets = report["sets"]
    assert isinstance(sets, dict)
    columns = list(next(iter(sets.values())).keys())
    lines = ["set | " + " | ".join(columns)]
    for name, row in sets.items():
        lines.append(f"{name} | " + " | ".join(str(row[c]) for c in columns))
    lines.append(f"latency (ms, reader, 2 threads): {json.dumps(report['latency'])}")
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())
