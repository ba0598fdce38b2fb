"""Accounts and logins: bcrypt hashes, the 72-byte limit, lock-out, idle timeout, no clear text."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from core.db.engine import Database
from core.db.tables import UserRow, utcnow
from core.errors import (
    AccountLockedError,
    AuthenticationError,
    NotFoundError,
    PasswordPolicyError,
    SessionExpiredError,
    UsageError,
)
from core.models import Role
from core.settings import AuthSettings
from services.access import Page, can_open, pages_for, require_page
from services.auth import INVALID_LOGIN, authenticate, refresh_session
from services.demo_users import DEMO_USERS, ensure_demo_users
from services.passwords import hash_password, verify_password
from services.users import create_user, get_user, list_users, set_disabled, set_password

pytestmark = pytest.mark.unit

SECRET = "Gr33n-Valve-Secret"
FAST = AuthSettings(bcrypt_rounds=4, max_failed_attempts=3, lockout_minutes=10)


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = Database(f"sqlite:///{tmp_path / 'auth.db'}")
    database.upgrade()
    yield database
    database.dispose()


@pytest.fixture
def ana(db: Database) -> str:
    create_user(db, FAST, "Ana", SECRET, "operator", "brookfield, calder", "Ana Ops")
    return "ana"


def test_hash_is_bcrypt_and_verifies() -> None:
    hashed = hash_password(SECRET, FAST)
    assert hashed.startswith("$2b$04$") and SECRET not in hashed
    assert verify_password(SECRET, hashed) and not verify_password("wrong-password", hashed)


def test_password_over_72_bytes_is_a_clear_error_not_a_crash() -> None:
    too_long = "é" * 37  # 37 characters, 74 bytes in UTF-8
    with pytest.raises(PasswordPolicyError, match=r"74 bytes.*at most 72"):
        hash_password(too_long, FAST)
    assert hash_password("x" * 72, FAST)  # exactly at the limit is fine
    assert verify_password("x" * 100, hash_password("x" * 72, FAST)) is False  # no ValueError


def test_short_password_is_refused() -> None:
    with pytest.raises(PasswordPolicyError, match="at least 8"):
        hash_password("short", FAST)


def test_create_validates_and_normalises(db: Database, ana: str) -> None:
    account = get_user(db, "ANA")
    assert (account.username, account.role, account.sites) == (
        "ana",
        Role.OPERATOR,
        ("brookfield", "calder"),
    )
    assert account.display_name == "Ana Ops"
    with pytest.raises(UsageError, match="already exists"):
        create_user(db, FAST, "ana", SECRET, "operator", "brookfield")
    with pytest.raises(UsageError, match="unknown role"):
        create_user(db, FAST, "bob", SECRET, "pilot", "brookfield")
    with pytest.raises(UsageError, match="at least one site"):
        create_user(db, FAST, "bob", SECRET, "operator", " , ")
    with pytest.raises(UsageError, match="invalid username"):
        create_user(db, FAST, "bob smith", SECRET, "operator", "brookfield")
    with pytest.raises(NotFoundError):
        get_user(db, "nobody")


def test_login_success_resets_counters_and_stamps_last_login(db: Database, ana: str) -> None:
    with pytest.raises(AuthenticationError):
        authenticate(db, FAST, ana, "wrong-password")
    auth = authenticate(db, FAST, " ANA ", SECRET)
    assert (auth.username, auth.role, auth.sites) == (
        "ana",
        Role.OPERATOR,
        ("brookfield", "calder"),
    )
    account = get_user(db, ana)
    assert account.failed_attempts == 0 and account.last_login is not None


def test_unknown_user_and_wrong_password_get_the_same_message(db: Database, ana: str) -> None:
    for username, password in (("ghost", SECRET), (ana, "wrong-password"), ("bad name!", "x")):
        with pytest.raises(AuthenticationError) as caught:
            authenticate(db, FAST, username, password)
        assert str(caught.value) == INVALID_LOGIN
        assert not isinstance(caught.value, AccountLockedError)


def test_lockout_after_n_failures_refuses_even_the_right_password(db: Database, ana: str) -> None:
    now = utcnow()
    for _ in range(FAST.max_failed_attempts - 1):
        with pytest.raises(AuthenticationError) as caught:
            authenticate(db, FAST, ana, "wrong-password", now=now)
        assert not isinstance(caught.value, AccountLockedError)
    with pytest.raises(AccountLockedError, match="try again in 10 minute"):
        authenticate(db, FAST, ana, "wrong-password", now=now)
    with pytest.raises(AccountLockedError):
        authenticate(db, FAST, ana, SECRET, now=now + timedelta(minutes=9))
    auth = authenticate(db, FAST, ana, SECRET, now=now + timedelta(minutes=11))
    assert auth.username == ana
    assert get_user(db, ana).locked_until is None


def test_admin_password_reset_clears_a_lockout(db: Database, ana: str) -> None:
    for _ in range(FAST.max_failed_attempts):
        with pytest.raises(AuthenticationError):
            authenticate(db, FAST, ana, "wrong-password")
    set_password(db, FAST, ana, "N3w-Password!")
    assert authenticate(db, FAST, ana, "N3w-Password!").username == ana
    with pytest.raises(AuthenticationError):
        authenticate(db, FAST, ana, SECRET)


def test_disabled_account_cannot_log_in_and_its_session_ends(db: Database, ana: str) -> None:
    auth = authenticate(db, FAST, ana, SECRET)
    set_disabled(db, ana)
    with pytest.raises(AuthenticationError, match=INVALID_LOGIN):
        authenticate(db, FAST, ana, SECRET)
    with pytest.raises(SessionExpiredError, match="no longer active"):
        refresh_session(db, FAST, auth)
    set_disabled(db, ana, disabled=False)
    assert authenticate(db, FAST, ana, SECRET).username == ana


def test_session_times_out_when_idle_and_is_touched_otherwise(db: Database, ana: str) -> None:
    settings = AuthSettings(bcrypt_rounds=4, session_timeout_minutes=30)
    start = utcnow()
    auth = authenticate(db, settings, ana, SECRET, now=start)
    later = refresh_session(db, settings, auth, now=start + timedelta(minutes=29))
    assert later.last_active == start + timedelta(minutes=29)
    still = refresh_session(db, settings, later, now=start + timedelta(minutes=58))
    with pytest.raises(SessionExpiredError, match="30 minutes of inactivity"):
        refresh_session(db, settings, still, now=start + timedelta(minutes=89))


def test_session_picks_up_role_and_site_changes(db: Database, ana: str) -> None:
    auth = authenticate(db, FAST, ana, SECRET)
    with db.session() as session:
        row = session.get(UserRow, ana)
        assert row is not None
        row.role, row.sites = "quality", "dunmore"
    refreshed = refresh_session(db, FAST, auth)
    assert (refreshed.role, refreshed.sites) == (Role.QUALITY, ("dunmore",))


def test_passwords_never_reach_the_database_file_or_the_logs(
    tmp_path: Path, db: Database, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    create_user(db, FAST, "ana", SECRET, "operator", "brookfield")
    set_password(db, FAST, "ana", "Second-Secret-42")
    for attempt in ("Wrong-Guess-1", "Second-Secret-42", SECRET):
        with contextlib.suppress(AuthenticationError):
            authenticate(db, FAST, "ana", attempt)
    with pytest.raises(PasswordPolicyError) as caught:
        hash_password("Too-Long-Secret-" * 6, FAST)
    db.dispose()
    stored = b"".join(p.read_bytes() for p in tmp_path.glob("auth.db*"))
    logs = caplog.text + str(caught.value)
    for secret in (SECRET, "Second-Secret-42", "Wrong-Guess-1", "Too-Long-Secret-"):
        assert secret.encode() not in stored
        assert secret not in logs
    assert "login failed: ana" in caplog.text and "login ok: ana" in caplog.text
    with pytest.raises(AuthenticationError):
        authenticate(db, FAST, "Typed-Password-In-Name", "x")
    assert "typed-password-in-name" not in caplog.text.lower()
    assert "login failed: <unknown user>" in caplog.text


def test_listing_never_exposes_hashes(db: Database, ana: str) -> None:
    dumped = [a.model_dump_json() for a in list_users(db)]
    assert dumped and all("$2b$" not in d and "password" not in d for d in dumped)


def test_demo_users_are_idempotent_and_report_changed_passwords(db: Database) -> None:
    first = ensure_demo_users(db, FAST)
    assert [d.role for d in first] == list(Role) and all(d.created for d in first)
    assert all(d.sites for d in first)
    set_password(db, FAST, "olivia", "Changed-Password-1")
    second = {d.username: d for d in ensure_demo_users(db, FAST)}
    assert not any(d.created for d in second.values())
    assert second["olivia"].password_valid is False and second["ada"].password_valid is True
    assert len(list_users(db)) == len(DEMO_USERS)
    for demo in DEMO_USERS[1:]:
        assert authenticate(db, FAST, demo.username, demo.password).role == demo.role


@pytest.mark.parametrize(
    ("role", "pages"),
    [
        ("operator", [Page.CHAT]),
        ("technician", [Page.CHAT, Page.ASSET]),
        ("quality", [Page.CHAT, Page.ASSET, Page.REVIEW]),
        ("admin", [Page.CHAT, Page.ASSET, Page.REVIEW, Page.ADMIN]),
    ],
)
def test_pages_by_role(role: str, pages: list[Page]) -> None:
    assert pages_for(role) == pages
    for page in Page:
        assert can_open(role, page) is (page in pages)
        if page not in pages:
            with pytest.raises(Exception, match="may not open"):
                require_page(role, page)


def test_a_username_taken_between_check_and_insert_is_a_usage_error(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two admins creating the same user at once: the loser gets the domain error, not a raw
    IntegrityError (simulated by a stale existence check)."""
    from sqlalchemy.orm import Session

    create_user(db, FAST, "olivia", SECRET, Role.OPERATOR, ["brookfield"])
    monkeypatch.setattr(Session, "get", lambda self, *a, **k: None)
    with pytest.raises(UsageError, match="already exists"):
        create_user(db, FAST, "olivia", SECRET, Role.TECHNICIAN, ["brookfield"])
    monkeypatch.undo()
    assert get_user(db, "olivia").role is Role.OPERATOR
