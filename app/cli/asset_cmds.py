"""``plant-copilot assets``: the equipment register and one asset's records (thin: the logic is
in services.assets and services.equipment)."""

from __future__ import annotations

import typer
from rich.table import Table

from app.cli.context import out_console, print_json, state
from core.assets import LinkedRecord

assets_app = typer.Typer(help="Assets: what each site runs, and one asset's records.")


@assets_app.command("list")
def list_cmd(
    ctx: typer.Context,
    site: list[str] = typer.Option([], "--site", help="Only this site (repeatable)."),
    role: str = typer.Option("admin", "--role", help="Count only what this role may read."),
    json_out: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """List the assets found in indexed documents and the site registers.

    Examples:
      plant-copilot assets list
      plant-copilot assets list --site calder --json
    """
    from services.asset_views import list_for

    rows = list_for(state(ctx).components(), site, role)
    if json_out:
        print_json([r.model_dump(mode="json") for r in rows])
        return
    table = Table("site", "tag", "model", "class", "sop", "manual", "incident", "work_order")
    for r in rows:
        counts = [str(r.counts.get(t, 0)) for t in ("sop", "manual", "incident", "work_order")]
        table.add_row(r.site, r.tag, r.model, r.equipment_class, *counts)
    out_console.print(table)
    out_console.print(f"{len(rows)} assets")


def _when(record: LinkedRecord) -> str:
    return record.when.isoformat() if record.when else ""


@assets_app.command("show")
def show_cmd(
    ctx: typer.Context,
    tag: str = typer.Argument(..., help="Asset tag, any spelling (IMM-4, 'imm 4', an alias)."),
    site: str = typer.Option(..., "--site", help="The asset's site."),
    role: str = typer.Option(..., "--role", help="operator, technician, quality or admin."),
    json_out: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Show an asset's manual sections, SOPs, incidents and work orders, newest first, with
    counts by failure mode and the last corrective action; scoped like search.

    Examples:
      plant-copilot assets show IMM-4 --site calder --role technician
      plant-copilot assets show "filler 2" --site brookfield --role quality --json
    """
    from services.asset_views import show_for

    page = show_for(state(ctx).components(), tag, site, role)
    if json_out:
        print_json(page)
        return
    v = page.view
    out_console.print(f"[bold]{v.tag}[/bold] at {v.site}: {v.name} {v.model} {v.equipment_class}")
    if page.notice:
        out_console.print(f"NOTICE: {page.notice.message()}", style="yellow", markup=False)
    for label, records in (("SOPs", v.sops), ("Incidents", v.incidents)):
        out_console.print(f"\n{label} ({len(records)})", style="bold")
        for r in records:
            out_console.print(f"  {_when(r)}  {r.doc_id} rev {r.revision}  {r.title}", markup=False)
    out_console.print(f"\nManual sections ({len(v.manual_sections)})", style="bold")
    for r in v.manual_sections:
        out_console.print(f"  {r.doc_id} p.{r.page}  {r.section}", markup=False)
    out_console.print(f"\nWork orders ({len(v.work_orders)})", style="bold")
    for r in v.work_orders:
        line = f"  {_when(r)}  {r.record_id} row {r.row}  {r.failure_mode}: {r.summary}"
        out_console.print(line, markup=False)
    modes = ", ".join(f"{m} {n}" for m, n in v.failure_modes.items())
    out_console.print(f"\nBy failure mode: {modes or 'none'}", markup=False)
    if v.last_corrective:
        lc = v.last_corrective
        out_console.print(
            f"Last corrective action: {_when(lc)} {lc.record_id}: {lc.action}", markup=False
        )


@assets_app.command("reviews")
def reviews_cmd(
    ctx: typer.Context,
    user: str = typer.Option(..., "--user", help="A quality or admin account (users list)."),
    record: str = typer.Option("", "--record", help="Item id to give a verdict to."),
    verdict: str = typer.Option(
        "sop_needs_update", "--verdict", help="sop_needs_update or no_change_needed."
    ),
    comment: str = typer.Option("", "--comment", help="Why (stored with the verdict)."),
    json_out: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """SOPs at the user's sites that may need an update after an incident on the same
    equipment model at another site; ``--record ID`` stores a verdict on one.

    Examples:
      plant-copilot assets reviews --user quinn
      plant-copilot assets reviews --user quinn --record 8b557b707e8549dc --verdict no_change_needed
    """
    from services.equipment import record_equipment_review, review_queue
    from services.users import get_user

    components = state(ctx).components()
    reviewer = get_user(components.db, user).to_user()
    if record:
        done = record_equipment_review(components.db, reviewer, record, verdict, comment)
        items = [done]
    else:
        items = review_queue(components.db, reviewer)
    if json_out:
        print_json([i.model_dump(mode="json") for i in items])
        return
    for i in items:
        incident = i.incident_doc_id or "an incident at a site outside your access"
        verdict_text = i.disposition.label if i.disposition else "open"
        out_console.print(
            f"{i.item_id}  {i.sop_doc_id} rev {i.sop_revision} ({i.sop_site}, {i.model}) after "
            f"{incident} ({i.incident_date}): proposed '{i.proposed.label}', {verdict_text}",
            markup=False,
        )
    out_console.print(f"{len(items)} item(s)")
