"""``plant-copilot eval``: the golden-set evaluation and the public BEIR benchmark (thin)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from app.cli.context import err_console, out_console, print_json, state

if TYPE_CHECKING:
    from eval.beir.bench import BeirReport
    from eval.harness import EvalOutcome

eval_app = typer.Typer(invoke_without_command=True)  # help: the golden callback's docstring

SUMMARY = (
    *("hit@1", "hit@5", "mrr@10", "ndcg@10", "section_hit@5", "citation_precision"),
    *("abstention_accuracy", "key_fact_presence", "leaks", "search_p50_ms", "ask_p50_ms"),
)


def progress_bar(enabled: bool, label: str) -> Progress:
    """A rich progress bar on stderr (disabled for ``--json``)."""
    return Progress(
        TextColumn(f"[bold]{label}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[note]}"),
        TimeElapsedColumn(),
        console=err_console,
        disable=not enabled,
    )


@eval_app.callback()
def golden(
    ctx: typer.Context,
    golden_file: Path | None = typer.Option(None, "--golden", help="Golden JSONL file."),
    json_out: bool = typer.Option(False, "--json", help="Print metrics.json on stdout."),
    out: Path | None = typer.Option(None, "--out", help="Output dir (default <home>/eval/<id>)."),
    compare: str | None = typer.Option(None, "--compare", help="Run id to compare with."),
    ragas: bool = typer.Option(True, "--ragas/--no-ragas", help="Also compute ragas metrics."),
    thresholds: Path | None = typer.Option(None, "--thresholds", help="Gate thresholds TOML."),
) -> None:
    """Run the golden set through search and ask (exit 1 when a gate threshold fails), or a
    BEIR benchmark with the `beir` subcommand.

    Examples:
      plant-copilot eval
      plant-copilot eval --golden eval/golden/sample.jsonl --json --out /tmp/eval-run
      plant-copilot eval --compare 20261122T140501Z-3fa2
    """
    if ctx.invoked_subcommand is not None:
        return
    from eval.harness import EvalOptions, run_eval

    options = EvalOptions(out_dir=out, compare=compare, ragas=ragas)
    if golden_file is not None:
        options.golden = golden_file
    if thresholds is not None:
        options.thresholds = thresholds
    components = state(ctx).components()
    with progress_bar(not json_out, "golden") as bar:
        task = bar.add_task("golden", total=None, note="")
        outcome = run_eval(
            components,
            options,
            lambda done, total, cid: bar.update(task, completed=done, total=total, note=cid),
        )
    if json_out:
        print_json(outcome.data)
    else:
        _print_summary(outcome)
    if not outcome.run.gate.passed:
        raise typer.Exit(1)


def _print_summary(outcome: EvalOutcome) -> None:
    run, compare = outcome.run, outcome.compare
    table = Table("metric", "value", *(["Δ " + compare.run_id] if compare else []))
    for name in SUMMARY:
        value = run.metrics.get(name)
        cells = ["–" if value is None else f"{value:g}"]
        if compare:
            delta = compare.deltas.get(name)
            cells.append("" if delta is None else f"{delta:+g}")
        table.add_row(name, *cells)
    out_console.print(table)
    for check in run.gate.checks:
        mark = "pass" if check.passed else "FAIL"
        out_console.print(f"{mark:4}  {check.metric} {check.op} {check.threshold:g}: {check.value}")
    counts = {k: len(v) for k, v in run.failures.model_dump().items()}
    out_console.print("failures: " + ", ".join(f"{k} {n}" for k, n in counts.items()))
    verdict = "PASSED" if run.gate.passed else "FAILED"
    out_console.print(f"gate {verdict}; run {run.run_id}; report {outcome.out_dir / 'report.md'}")


@eval_app.command("beir")
def beir(
    ctx: typer.Context,
    root: Path = typer.Argument(..., help="BEIR folder: corpus.jsonl, queries.jsonl, qrels/."),
    split: str = typer.Option("test", "--split", help="qrels split to score."),
    json_out: bool = typer.Option(False, "--json", help="Print the JSON report."),
    tune: bool = typer.Option(False, "--tune", help="Re-tune on qrels/train.tsv first."),
    params: Path | None = typer.Option(None, "--params", help="Params file to read/write."),
    rerank: str = typer.Option(
        "configured", "--rerank", help="configured (settings), reader (shipped model) or none."
    ),
    tune_rerank: bool = typer.Option(
        False, "--tune-rerank", help="Choose rerank candidates/mixing on held-out train queries."
    ),
    rerank_top: int | None = typer.Option(None, "--rerank-top", help="Hits the reranker reads."),
    rerank_mix: float | None = typer.Option(None, "--rerank-mix", help="Weight of hybrid score."),
) -> None:
    """nDCG@10 and recall@100 of bm25, dense, hybrid (and rerank when configured).

    Examples:
      plant-copilot eval beir ../shared/datasets/scifact
      plant-copilot eval beir ../shared/datasets/scifact --split test --json
      plant-copilot eval beir ../shared/datasets/scifact --tune   # choose params on train
      plant-copilot eval beir ../shared/datasets/scifact --rerank reader [--tune-rerank]
    """
    from core.errors import UsageError
    from eval.beir.bench import default_cache_dir
    from eval.beir.run import BeirOptions, run_beir
    from services.wiring import make_reranker

    if rerank not in {"configured", "reader", "none"}:
        raise UsageError(f"--rerank must be configured, reader or none (got {rerank!r})")
    components = state(ctx).components()
    settings = components.settings
    if rerank != "configured":
        retrieval = settings.retrieval.model_copy(update={"reranker": rerank})
        settings = settings.model_copy(update={"retrieval": retrieval})
    options = BeirOptions(
        root=root,
        split=split,
        tune=tune,
        tune_rerank=tune_rerank,
        rerank_top=rerank_top,
        rerank_mix=rerank_mix,
    )
    if params is not None:
        options.params_file = params
    with progress_bar(not json_out, "embedding corpus") as bar:
        task = bar.add_task("embed", total=None, note="")
        report = run_beir(
            options,
            components.embedder(),
            default_cache_dir(components.settings.home),
            make_reranker(settings),
            lambda done, total: bar.update(task, completed=done, total=total, note="docs"),
        )
    if json_out:
        print_json(report.public())
    else:
        _print_beir(report)


def _print_beir(report: BeirReport) -> None:
    """This run's scores, the baselines, then the published references, in one table."""
    table = Table("method", "nDCG@10", "R@100", "source")
    rows = [("bm25", report.bm25), ("dense", report.dense), ("hybrid", report.hybrid)]
    rows += [("rerank", report.rerank)] if report.rerank else []
    for name, scores in rows:
        table.add_row(name, f"{scores['ndcg@10']:.4f}", f"{scores['recall@100']:.4f}", "this run")
    for name, scores in report.baselines.items():
        table.add_row(name, f"{scores['ndcg@10']:.4f}", f"{scores['recall@100']:.4f}", "this run")
    for name, ref in report.reference.items():
        recall = "–" if ref["recall@100"] is None else f"{ref['recall@100']:.4f}"
        mark = "" if ref["verified"] else " (unverified)"
        table.add_row(name[:40], f"{ref['ndcg@10']:.4f}", recall, "published" + mark)
    out_console.print(table)
    out_console.print(
        f"{report.dataset} {report.split}: {report.queries} queries, {report.docs} docs; "
        f"params: {report.params['source']}"
    )
    out_console.print(report.note, style="dim")
