"""Commands that query the index: search (retrieval only, no answer)."""

from __future__ import annotations

from typing import Any

import typer
from rich.table import Table

from app.cli.context import out_console, print_json, state
from core.answers import SearchHit

SEARCH_JSON_KEYS = (
    "rank",
    "chunk_id",
    "doc_id",
    "title",
    "site",
    "doc_type",
    "revision",
    "section",
    "page",
    "row",
    "score",
    "text",
)
"""Keys of each result in ``search --json``: a public contract, changed only additively."""


def hit_json(hit: SearchHit) -> dict[str, Any]:
    """One hit as the public JSON object (exactly SEARCH_JSON_KEYS)."""
    c = hit.chunk
    return {
        "rank": hit.rank,
        "chunk_id": c.chunk_id,
        "doc_id": c.doc_id,
        "title": c.title,
        "site": c.site,
        "doc_type": c.doc_type.value,
        "revision": c.revision,
        "section": c.section,
        "page": c.page,
        "row": c.row,
        "score": round(hit.score, 6),
        "text": c.text,
    }


def search(
    ctx: typer.Context,
    question: str = typer.Argument(..., help="The question, in quotes."),
    site: str = typer.Option(..., "--site", help="Site id to search (company-wide docs included)."),
    role: str = typer.Option(..., "--role", help="operator, technician, quality or admin."),
    k: int = typer.Option(10, "--k", help="Number of results (1-100)."),
    json_out: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Show the chunks a role may read at a site that best match a question.

    Examples:
      plant-copilot search "torque spec for the CONV-3 gearbox coupling" --site brookfield --role technician
      plant-copilot search "clear a jam on FILLER-2" --site brookfield --role operator --k 5 --json
    """
    from services.search import run_search

    result = run_search(state(ctx).components(), question, site, role, k)
    if json_out:
        print_json({"results": [hit_json(h) for h in result.hits]})
        return
    if not result.hits:
        out_console.print("no results in scope")
        return
    table = Table("#", "score", "doc_id", "rev", "section", "where", "text")
    for hit in result.hits:
        c = hit.chunk
        where = f"p.{c.page}" if c.page is not None else (f"row {c.row}" if c.row else "")
        snippet = " ".join(c.text.split())[:90]
        table.add_row(
            str(hit.rank), f"{hit.score:.4f}", c.doc_id, c.revision, c.section, where, snippet
        )
    out_console.print(table)
    out_console.print(f"{len(result.hits)} results in {result.latency_ms['total']:.0f} ms")
