"""``plant-copilot users``: accounts for the web UI (add, list, disable, passwd, demo)."""

from __future__ import annotations

import sys

import typer
from rich.table import Table

from app.cli.context import err_console, out_console, print_json, state

users_app = typer.Typer(help="Manage web UI accounts.", no_args_is_help=True)


def _read_password(from_stdin: bool) -> str:
    """The new password: first line of stdin, or typed twice at a hidden prompt."""
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    password: str = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    return password


@users_app.command("add")
def users_add(
    ctx: typer.Context,
    username: str = typer.Argument(..., help="Login name (letters, digits, '.', '-', '_')."),
    role: str = typer.Option(..., help="operator, technician, quality or admin."),
    sites: str = typer.Option(..., help="Comma-separated site ids, e.g. brookfield,calder."),
    display_name: str = typer.Option("", help="Name shown in the UI (default: the username)."),
    password_stdin: bool = typer.Option(
        False, "--password-stdin", help="Read the password from the first line of stdin."
    ),
) -> None:
    """Add an account. The password is prompted for (hidden) unless --password-stdin.

    Examples:
      plant-copilot users add olivia --role operator --sites brookfield
      echo 's3cret-pass' | plant-copilot users add quinn --role quality --sites brookfield,calder --password-stdin
    """
    from core.models import Role
    from services.users import create_user, parse_sites, validate_username

    # Fail on a bad name, role or site before asking for a password.
    validate_username(username)
    Role.parse(role)
    parse_sites(sites)
    components = state(ctx).components()
    password = _read_password(password_stdin)
    account = create_user(
        components.db, components.settings.auth, username, password, role, sites, display_name
    )
    err_console.print(
        f"added {account.username} ({account.role.value}; sites {', '.join(account.sites)})"
    )


@users_app.command("list")
def users_list(
    ctx: typer.Context,
    json_out: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """List accounts (never their passwords or hashes). Example: plant-copilot users list --json"""
    from core.db.tables import utcnow
    from services.users import list_users

    now = utcnow()
    accounts = list_users(state(ctx).components().db)
    if json_out:
        print_json([a.model_dump(mode="json") for a in accounts])
        return
    table = Table("username", "name", "role", "sites", "status", "last login")
    for a in accounts:
        locked = a.locked_until is not None and a.locked_until > now
        status = "disabled" if a.disabled else ("locked" if locked else "active")
        last = f"{a.last_login:%Y-%m-%d %H:%M}" if a.last_login else "never"
        table.add_row(a.username, a.display_name, a.role.value, ",".join(a.sites), status, last)
    out_console.print(table)


@users_app.command("disable")
def users_disable(
    ctx: typer.Context,
    username: str = typer.Argument(..., help="The account."),
    enable: bool = typer.Option(False, "--enable", help="Re-enable instead."),
) -> None:
    """Disable an account (it cannot log in; open sessions end). Example: plant-copilot users disable theo"""
    from services.users import set_disabled

    account = set_disabled(state(ctx).components().db, username, disabled=not enable)
    err_console.print(f"{account.username} {'disabled' if account.disabled else 'enabled'}")


@users_app.command("passwd")
def users_passwd(
    ctx: typer.Context,
    username: str = typer.Argument(..., help="The account."),
    password_stdin: bool = typer.Option(
        False, "--password-stdin", help="Read the password from the first line of stdin."
    ),
) -> None:
    """Set a new password and clear any lock-out. Example: plant-copilot users passwd olivia"""
    from services.users import set_password

    components = state(ctx).components()
    set_password(components.db, components.settings.auth, username, _read_password(password_stdin))
    err_console.print(f"password of {username} changed")


@users_app.command("demo")
def users_demo(
    ctx: typer.Context,
    json_out: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Create one demo account per role (idempotent) and print their credentials.

    The demo passwords are public: for trying the app, never for a real installation.
    """
    from services.demo_users import ensure_demo_users

    components = state(ctx).components()
    demos = ensure_demo_users(components.db, components.settings.auth)
    if json_out:
        print_json([d.model_dump(mode="json") for d in demos])
        return
    table = Table("role", "username", "password", "sites", title="Demo accounts (public passwords)")
    for d in demos:
        password = d.password if d.password_valid else "(changed; not shown)"
        table.add_row(d.role.value, d.username, password, ",".join(d.sites))
    out_console.print(table)
