"""Admin commands that load and inspect the index: ingest, reindex, status, docs."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from app.cli.context import err_console, out_console, print_json, state
from app.cli.progress import RichProgress

docs_app = typer.Typer(help="List, show and delete indexed documents.", no_args_is_help=True)


def ingest(
    ctx: typer.Context,
    path: Path = typer.Argument(
        ..., exists=True, help="A document or a folder <root>/<site>/<doc_type>/..."
    ),
    site: str | None = typer.Option(None, help="Site id (overrides sidecar and folder)."),
    doc_type: str | None = typer.Option(None, help="sop, manual, incident or work_order."),
    audience: str | None = typer.Option(None, help="Comma-separated roles, e.g. quality,admin."),
    doc_id: str | None = typer.Option(None, help="Stable document id (single file only)."),
    revision: str | None = typer.Option(None, help="Revision label (single file only)."),
    prune: bool = typer.Option(
        False, help="Remove indexed documents whose file under PATH is gone."
    ),
    json_out: bool = typer.Option(False, "--json", help="Print the run report as JSON."),
) -> None:
    """Index documents; unchanged files cost no embedding.

    Examples:
      plant-copilot ingest sample_docs
      plant-copilot ingest new/deviation-114.md --site calder --doc-type incident --audience quality,admin
      plant-copilot ingest sample_docs --prune --json
    Exit code 0 when nothing failed, 1 when some files failed (the rest are indexed), 2 for usage errors.
    """
    from core.errors import UsageError
    from core.models import DocType, parse_roles
    from ingestion.metadata import MetaOverrides

    if (doc_id or revision) and path.is_dir():
        raise UsageError("--doc-id and --revision apply to a single file, not a folder")
    flags = MetaOverrides(
        site=site,
        doc_type=DocType.parse(doc_type) if doc_type else None,
        audience=parse_roles(audience) if audience else None,
        doc_id=doc_id,
        revision=revision,
    )
    ingestor = state(ctx).components().ingestor()
    with RichProgress(enabled=not json_out) as progress:
        report = ingestor.ingest(path, flags, prune=prune, progress=progress)
    _emit(report, json_out)
    raise typer.Exit(report.exit_code)


def reindex(
    ctx: typer.Context,
    site: str | None = typer.Option(None, help="Only this site's documents."),
    full: bool = typer.Option(False, help="Re-parse and re-embed everything, even unchanged."),
    json_out: bool = typer.Option(False, "--json", help="Print the run report as JSON."),
) -> None:
    """Re-read registered documents from their source files (repairs an interrupted run first).

    Examples:
      plant-copilot reindex --site brookfield
      plant-copilot reindex --full --json
    """
    components = state(ctx).components()
    if site is not None:
        from core.registry import require_site

        with components.db.session() as session:
            site = require_site(session, site)
    with RichProgress(enabled=not json_out) as progress:
        report = components.ingestor().reindex(site=site, full=full, progress=progress)
    _emit(report, json_out)
    raise typer.Exit(report.exit_code)


def _emit(report: object, json_out: bool) -> None:
    from ingestion.report import IngestReport

    assert isinstance(report, IngestReport)
    for site_id in report.sites_created:
        err_console.print(f"created site '{site_id}'")
    if json_out:
        print_json(report)
        return
    d, c = report.documents, report.chunks
    out_console.print(
        f"documents: {d.added} added, {d.updated} updated, {d.unchanged} unchanged, "
        f"{d.superseded} superseded, {d.removed} removed, {d.failed} failed\n"
        f"chunks: {c.embedded} embedded, {c.reused} reused, {c.deleted} deleted in {report.elapsed_s:.1f} s"
    )
    for failure in report.failures:
        err_console.print(f"[red]failed[/red] {failure.path}: {failure.reason}")


def status(
    ctx: typer.Context,
    site: str | None = typer.Option(None, help="Only this site."),
    json_out: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Show documents and chunks per site and the last run.

    Example: plant-copilot status --site calder --json
    """
    from services.index_admin import index_status

    components = state(ctx).components()
    result = index_status(components.db, components.index, site)
    if json_out:
        print_json(result)
        return
    table = Table("site", "current docs", "superseded", "chunks")
    for entry in result.sites:
        table.add_row(
            entry.site,
            str(entry.documents_current),
            str(entry.documents_superseded),
            str(entry.chunks_current),
        )
    out_console.print(table)
    out_console.print(f"chunks in index: {result.chunks_in_index}")
    if result.last_run:
        run = result.last_run
        out_console.print(
            f"last run #{run.id} ({run.kind}) {run.status} at {run.started_at:%Y-%m-%d %H:%M}, "
            f"{len(run.failures)} failure(s)"
        )


@docs_app.command("list")
def docs_list(
    ctx: typer.Context,
    site: str | None = typer.Option(None, help="Only this site."),
    superseded: bool = typer.Option(False, help="Include superseded revisions."),
    json_out: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """List indexed documents. Example: plant-copilot docs list --site dunmore"""
    from services.index_admin import list_documents

    docs = list_documents(state(ctx).components().db, site, superseded)
    if json_out:
        print_json([d.model_dump(mode="json") for d in docs])
        return
    table = Table("doc_id", "rev", "status", "site", "type", "chunks", "title")
    for d in docs:
        table.add_row(
            d.doc_id, d.revision, d.status, d.site, d.doc_type, str(d.chunk_count), d.title[:50]
        )
    out_console.print(table)


@docs_app.command("show")
def docs_show(
    ctx: typer.Context,
    doc_id: str = typer.Argument(..., help="Document id."),
    json_out: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Show every revision of a document. Example: plant-copilot docs show BRK-SOP-012"""
    from services.index_admin import show_document

    revisions = show_document(state(ctx).components().db, doc_id)
    if json_out:
        print_json([r.model_dump(mode="json") for r in revisions])
        return
    for r in revisions:
        out_console.print(
            f"[bold]{r.doc_id}[/bold] rev {r.revision} [{r.status}] {r.title}\n"
            f"  site {r.site}, {r.doc_type}, effective {r.effective_date}, audience {','.join(r.audience)}\n"
            f"  {r.chunk_count} chunks, {r.source_path}"
        )


@docs_app.command("delete")
def docs_delete(
    ctx: typer.Context,
    doc_id: str = typer.Argument(..., help="Document id."),
    json_out: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Stop serving a document and delete its chunks (registry rows kept for audit).

    Example: plant-copilot docs delete BRK-SOP-003
    """
    from services.index_admin import delete_document

    components = state(ctx).components()
    wait_s = components.settings.ingest.lock_wait_s
    deleted = delete_document(components.db, components.index, doc_id, wait_s)
    if json_out:
        print_json({"doc_id": doc_id, "chunks_deleted": deleted})
    else:
        out_console.print(f"deleted {doc_id}: {deleted} chunks removed")
