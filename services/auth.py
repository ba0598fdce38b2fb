"""Logins and UI sessions: lock-out after failed attempts, idle timeout, logout.

Shared by the CLI and the Streamlit login, so neither holds any of this logic. Passwords are only
compared (in :mod:`services.passwords`); log lines name the user and the outcome, nothing else.
Every failure that is not a lock-out gets the same vague message, so the login form does not
reveal which usernames exist.
"""

from __future__ import annotations

import logging
import math
from datetime import datetime, timedelta
from enum import Enum

from pydantic import BaseModel, ConfigDict

from core.db.engine import Database
from core.db.tables import UserRow, utcnow
from core.errors import AccountLockedError, AuthenticationError, SessionExpiredError, UsageError
from core.models import Role, User
from core.settings import AuthSettings
from services.passwords import dummy_hash, verify_password
from services.users import account_of, aware, validate_username

log = logging.getLogger(__name__)

INVALID_LOGIN = "invalid username or password"


class AuthSession(BaseModel):
    """A logged-in UI session: who, with which role and sites, and when last active."""

    model_config = ConfigDict(frozen=True)

    username: str
    display_name: str
    role: Role
    sites: tuple[str, ...]
    started_at: datetime
    last_active: datetime

    @property
    def user(self) -> User:
        """The domain user of this session."""
        return User(
            username=self.username,
            role=self.role,
            sites=frozenset(self.sites),
            display_name=self.display_name,
        )


class _Outcome(Enum):
    OK = "ok"
    INVALID = "invalid"
    LOCKED = "locked"
    NOW_LOCKED = "now-locked"


def _lock_message(until: datetime, now: datetime) -> str:
    minutes = max(1, math.ceil((until - now).total_seconds() / 60))
    return f"account locked after too many failed logins; try again in {minutes} minute(s)"


def _attempt(row: UserRow | None, password: str, settings: AuthSettings, now: datetime) -> _Outcome:
    """Check one login against a row and update its counters (the caller commits)."""
    if row is None:
        # Same work as a real check, so response times do not reveal which users exist.
        verify_password(password, dummy_hash(settings.bcrypt_rounds))
        return _Outcome.INVALID
    if row.locked_until is not None and aware(row.locked_until) > now:
        return _Outcome.LOCKED
    if verify_password(password, row.password_hash) and not row.disabled:
        row.failed_attempts, row.locked_until, row.last_login = 0, None, now
        return _Outcome.OK
    row.failed_attempts += 1
    if row.failed_attempts >= settings.max_failed_attempts:
        row.failed_attempts = 0
        row.locked_until = now + timedelta(minutes=settings.lockout_minutes)
        return _Outcome.NOW_LOCKED
    return _Outcome.INVALID


def authenticate(
    db: Database, settings: AuthSettings, username: str, password: str, now: datetime | None = None
) -> AuthSession:
    """Log a user in, or raise AuthenticationError / AccountLockedError.

    The N-th consecutive failure locks the account for ``lockout_minutes``; while locked even
    the right password is refused. Counters are committed before raising.
    """
    now = now or utcnow()
    try:
        name = validate_username(username)
    except UsageError:
        raise AuthenticationError(INVALID_LOGIN) from None
    with db.session() as session:
        # Row lock (PostgreSQL): concurrent wrong passwords must not lose counts and so allow
        # more attempts than the limit. SQLite serialises writers itself.
        row = session.get(UserRow, name, with_for_update=True)
        outcome = _attempt(row, password, settings, now)
        account = account_of(row) if row is not None else None
    if outcome is _Outcome.OK and account is not None:
        log.info("login ok: %s", name)
        return AuthSession(
            username=account.username,
            display_name=account.display_name,
            role=account.role,
            sites=account.sites,
            started_at=now,
            last_active=now,
        )
    # An unknown name is not logged: it is often a password typed into the username field.
    log.warning("login failed: %s (%s)", name if account else "<unknown user>", outcome.value)
    if outcome in (_Outcome.LOCKED, _Outcome.NOW_LOCKED) and account and account.locked_until:
        raise AccountLockedError(_lock_message(account.locked_until, now))
    raise AuthenticationError(INVALID_LOGIN)


def refresh_session(
    db: Database, settings: AuthSettings, auth: AuthSession, now: datetime | None = None
) -> AuthSession:
    """Check a session on each UI action: idle timeout, account still enabled; then touch it.

    Role and sites are re-read from the database, so an admin's change applies at once.
    """
    now = now or utcnow()
    idle = now - aware(auth.last_active)
    if idle > timedelta(minutes=settings.session_timeout_minutes):
        log.info("session expired: %s", auth.username)
        raise SessionExpiredError(
            f"session expired after {settings.session_timeout_minutes:g} minutes of inactivity; "
            "please log in again"
        )
    with db.session() as session:
        row = session.get(UserRow, auth.username)
        account = account_of(row) if row is not None else None
    if account is None or account.disabled:
        raise SessionExpiredError("this account is no longer active; please contact an admin")
    return auth.model_copy(
        update={
            "role": account.role,
            "sites": account.sites,
            "display_name": account.display_name,
            "last_active": now,
        }
    )


def logout(auth: AuthSession) -> None:
    """Record a logout (the UI drops the session object)."""
    log.info("logout: %s", auth.username)
