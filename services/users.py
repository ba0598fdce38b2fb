"""User accounts: create, list, disable, change password. Shared by the CLI and the admin page.

An account has a role and a set of sites (what it may read) and a bcrypt hash; this module never
returns the hash. Logins and sessions are in :mod:`services.auth`.
"""

from __future__ import annotations

import logging
from datetime import datetime

from pydantic import BaseModel, ConfigDict
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from core.db.engine import Database
from core.db.tables import UserRow, as_utc
from core.errors import NotFoundError, UsageError
from core.models import Role, User, validate_site_id
from core.settings import AuthSettings
from services.passwords import hash_password

log = logging.getLogger(__name__)


class UserAccount(BaseModel):
    """A stored account without its hash: what listings and the admin page show."""

    model_config = ConfigDict(frozen=True)

    username: str
    display_name: str
    role: Role
    sites: tuple[str, ...]
    disabled: bool
    failed_attempts: int
    locked_until: datetime | None
    created_at: datetime
    last_login: datetime | None

    def to_user(self) -> User:
        """The domain user (role and sites define what it may read)."""
        return User(
            username=self.username,
            role=self.role,
            sites=frozenset(self.sites),
            display_name=self.display_name,
            disabled=self.disabled,
        )


def aware(moment: datetime) -> datetime:
    """A stored time as aware UTC (naive from SQLite, session time zone from PostgreSQL), so
    comparisons work and pages that print "UTC" print UTC in both modes."""
    return as_utc(moment)


def validate_username(value: str) -> str:
    """Lower-case letters, digits, '.', '-' and '_', 1 to 64 characters; UsageError otherwise."""
    name = value.strip().lower()
    if not name or len(name) > 64 or not all(c.isalnum() or c in "._-" for c in name):
        raise UsageError(f"invalid username {value!r} (letters, digits, '.', '-', '_'; max 64)")
    return name


def parse_sites(value: str | list[str] | tuple[str, ...]) -> tuple[str, ...]:
    """A comma string or list of site ids, validated, de-duplicated and sorted."""
    items = value.split(",") if isinstance(value, str) else list(value)
    sites = sorted({validate_site_id(s) for s in items if s.strip()})
    if not sites:
        raise UsageError("a user needs at least one site")
    return tuple(sites)


def account_of(row: UserRow) -> UserAccount:
    """The account view of a row (never the hash); its times in UTC (see :func:`aware`)."""
    return UserAccount(
        username=row.username,
        display_name=row.display_name,
        role=Role.parse(row.role),
        sites=tuple(s for s in row.sites.split(",") if s),
        disabled=row.disabled,
        failed_attempts=row.failed_attempts,
        locked_until=aware(row.locked_until) if row.locked_until else None,
        created_at=aware(row.created_at),
        last_login=aware(row.last_login) if row.last_login else None,
    )


def create_user(
    db: Database,
    settings: AuthSettings,
    username: str,
    password: str,
    role: str | Role,
    sites: str | list[str] | tuple[str, ...],
    display_name: str = "",
) -> UserAccount:
    """Add an account; UsageError when the username is taken or a field is invalid."""
    name = validate_username(username)
    row = UserRow(
        username=name,
        display_name=display_name.strip() or name,
        role=Role.parse(role).value,
        sites=",".join(parse_sites(sites)),
        password_hash=hash_password(password, settings),
        disabled=False,
        failed_attempts=0,
    )
    try:
        with db.session() as session:
            if session.get(UserRow, name) is not None:
                raise UsageError(f"user {name!r} already exists")
            session.add(row)
            session.flush()
            account = account_of(row)
    except IntegrityError:  # created by someone else between the check and the insert
        raise UsageError(f"user {name!r} already exists") from None
    log.info("user created: %s (role %s)", name, row.role)
    return account


def get_user(db: Database, username: str) -> UserAccount:
    """One account by username, or NotFoundError."""
    with db.session() as session:
        row = session.get(UserRow, validate_username(username))
        if row is None:
            raise NotFoundError(f"no user {username!r}")
        return account_of(row)


def list_users(db: Database) -> list[UserAccount]:
    """Every account, by username."""
    with db.session() as session:
        return [account_of(r) for r in session.scalars(select(UserRow).order_by(UserRow.username))]


def set_disabled(db: Database, username: str, disabled: bool = True) -> UserAccount:
    """Disable (or re-enable) an account; a disabled user cannot log in and is logged out."""
    with db.session() as session:
        row = session.get(UserRow, validate_username(username))
        if row is None:
            raise NotFoundError(f"no user {username!r}")
        row.disabled = disabled
        account = account_of(row)
    log.info("user %s: %s", "disabled" if disabled else "enabled", account.username)
    return account


def set_password(db: Database, settings: AuthSettings, username: str, password: str) -> None:
    """Replace a password and clear any lock-out (an admin reset)."""
    new_hash = hash_password(password, settings)
    with db.session() as session:
        row = session.get(UserRow, validate_username(username))
        if row is None:
            raise NotFoundError(f"no user {username!r}")
        row.password_hash = new_hash
        row.failed_attempts = 0
        row.locked_until = None
    log.info("password changed: %s", username)
