"""``plant-copilot``: the admin command line. Commands are thin; domain errors become one-line
messages and exit codes here, at the edge.
"""

from __future__ import annotations

import sys

import click
import typer

from app.cli import (
    ask_cmds,
    asset_cmds,
    eval_cmds,
    index_cmds,
    query_cmds,
    serve_cmds,
    users_cmds,
)
from app.cli.context import CliState, err_console, state

app = typer.Typer(
    name="plant-copilot",
    help="Plant Copilot: index plant documents per site and answer role-scoped questions.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
db_app = typer.Typer(help="Database schema management.", no_args_is_help=True)
app.add_typer(index_cmds.docs_app, name="docs")
app.add_typer(db_app, name="db")
app.add_typer(users_cmds.users_app, name="users")
app.add_typer(eval_cmds.eval_app, name="eval")
app.add_typer(asset_cmds.assets_app, name="assets")
app.command()(index_cmds.ingest)
app.command()(index_cmds.reindex)
app.command()(index_cmds.status)
app.command()(ask_cmds.ask)
app.command()(query_cmds.search)
app.command()(serve_cmds.serve)


@app.callback()
def _root(ctx: typer.Context) -> None:
    """Settings come from PLANT_COPILOT_* environment variables and an optional .env file."""
    ctx.obj = CliState()


@db_app.command("upgrade")
def db_upgrade(ctx: typer.Context) -> None:
    """Apply database migrations (SQLite or PostgreSQL). Example: plant-copilot db upgrade"""
    state(ctx).components().db.upgrade()
    err_console.print("database schema is up to date")


@db_app.command(
    "run-locked", context_settings={"allow_extra_args": True, "ignore_unknown_options": True}
)
def db_run_locked(
    ctx: typer.Context,
    wait: float | None = typer.Option(
        None, help="Seconds to wait for the lock (default: setting)."
    ),
) -> None:
    """Run a command while holding the ingestion lock: no ingest or reindex writes meanwhile.

    For consistent backups (database dump + Chroma snapshot); exits with the command's code.
    Example: plant-copilot db run-locked -- /opt/plant-copilot/backup.sh
    """
    import subprocess

    from core.db.locks import exclusive_lock
    from core.errors import UsageError

    if not ctx.args:
        raise UsageError("no command given: plant-copilot db run-locked -- COMMAND [ARGS...]")
    components = state(ctx).components()
    wait_s = components.settings.ingest.lock_wait_s if wait is None else wait
    with exclusive_lock(components.db, "ingestion", wait_s):
        code = subprocess.call(list(ctx.args))
    raise typer.Exit(code)


def main(argv: list[str] | None = None) -> int:
    """Entry point: run the CLI and map errors to exit codes (0 ok, 1 partial, 2 usage, 3+ domain)."""
    from core.errors import PlantCopilotError

    command = typer.main.get_command(app)
    try:
        result = command.main(args=argv, prog_name="plant-copilot", standalone_mode=False)
        return int(result or 0)
    except PlantCopilotError as exc:
        # soft_wrap: one line whatever the terminal width (scripts grep for "error: ...").
        err_console.print(f"error: {exc}", markup=False, highlight=False, soft_wrap=True)
        return exc.exit_code
    except click.exceptions.Exit as exc:
        return int(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except click.exceptions.Abort:
        err_console.print("aborted")
        return 130


def run() -> None:
    """Console-script wrapper: exit with main()'s code."""
    sys.exit(main())


if __name__ == "__main__":
    run()
