"""``plant-copilot ask``: one question, answered from the sources the role may read at a site."""

from __future__ import annotations

import getpass
from typing import TYPE_CHECKING

import typer

from app.cli.context import out_console, print_json, state

if TYPE_CHECKING:
    from services.ask import AnswerResult


def _login_name() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "anonymous"


def ask(
    ctx: typer.Context,
    question: str = typer.Argument(..., help="The question, in quotes."),
    site: str = typer.Option(..., help="The asker's site id, e.g. brookfield."),
    role: str = typer.Option(..., help="operator, technician, quality or admin."),
    user: str | None = typer.Option(None, help="Who asks (for the audit log); default: login."),
    k: int | None = typer.Option(None, min=1, max=50, help="Hits to retrieve (default: settings)."),
    json_out: bool = typer.Option(False, "--json", help="Print the answer as JSON."),
) -> None:
    """Answer from current, in-scope documents with numbered sources, or say they do not answer.

    Examples:
      plant-copilot ask "How do I clear a jam on filler 2?" --site brookfield --role operator
      plant-copilot ask "torque for the CONV-3 gearbox coupling" --site brookfield --role technician --json
    JSON keys: answer, abstained, citations, safety_notices, latency_ms, interaction_id,
    closest_documents, answerer, fallback_reason, support_score, assets, notices, history.
    """
    from services.ask import ask as ask_question

    components = state(ctx).components()
    result = ask_question(components, question, site, role, user or _login_name(), k)
    if json_out:
        print_json(result.public())
    else:
        _print_human(result)


def _print_human(result: AnswerResult) -> None:
    """The answer (notices first, as composed), then the numbered sources and a footer."""
    answer = result.answer
    out_console.print(answer.answer, markup=False, highlight=False)
    if answer.citations:
        out_console.print("\nSources:", style="bold")
    for c in answer.citations:
        where = ", ".join(
            part
            for part in (
                c.section,
                f"page {c.page}" if c.page is not None else "",
                f"row {c.row}" if c.row is not None else "",
            )
            if part
        )
        effective = f", effective {c.effective_date}" if c.effective_date else ""
        out_console.print(
            f"[{c.n}] {c.title} ({c.doc_id} rev {c.revision}{effective})"
            + (f" - {where}" if where else "")
            + f"\n    {c.source_path}",
            markup=False,
            highlight=False,
        )
    for notice in answer.notices:
        out_console.print(f"\nNOTICE: {notice}", style="yellow", markup=False, highlight=False)
    total = answer.latency_ms.get("total", 0.0)
    footer = f"\n{answer.answerer} answer in {total:.0f} ms, interaction #{result.interaction_id}"
    if answer.fallback_reason:
        footer += f" ({answer.fallback_reason})"
    out_console.print(footer, style="dim", markup=False, highlight=False)
