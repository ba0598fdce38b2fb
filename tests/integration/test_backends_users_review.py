"""Users and quality review behave the same in both modes: embedded (SQLite + on-disk Chroma)
and server (PostgreSQL + Chroma over HTTP), through the ``module_backend`` fixture
(``tests/servers.py``). No test knows which mode it runs in.

A few sample documents are ingested once per backend (hashing embedder). Account tests each
create their own users; the review tests share three chat interactions asked once per backend
(every interaction of the module is asked there, so review listings are exact).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest

from core.db.tables import UserRow, utcnow
from core.errors import (
    AccessDeniedError,
    AccountLockedError,
    AuthenticationError,
    SessionExpiredError,
    UsageError,
)
from core.models import Role, User
from core.settings import AuthSettings, Settings
from services.auth import INVALID_LOGIN, authenticate, refresh_session
from services.chat import ask_in_chat, give_feedback
from services.chat_history import current_conversation
from services.review import (
    Disposition,
    ReviewFilter,
    ReviewRecord,
    interaction_detail,
    list_for_review,
    record_review,
)
from services.users import create_user, get_user, list_users, set_disabled, set_password
from services.wiring import Components, build
from tests.ui_support import LOCKOUT_Q, OFF_TOPIC_Q, copy_corpus

pytestmark = pytest.mark.integration

FAST = AuthSettings(bcrypt_rounds=4, max_failed_attempts=3, lockout_minutes=10)
SECRET = "Gr33n-Valve-Secret"
CALDER_Q = LOCKOUT_Q.replace("FILLER-2", "IMM-4")
TODAY = utcnow().date()  # interactions are stamped and filtered in UTC
STAFF = {  # username: (role, sites)
    "olivia": ("operator", "brookfield"),
    "theo": ("technician", "calder"),
    "quinn": ("quality", "brookfield,calder,dunmore"),
    "bq": ("quality", "brookfield"),
}


@dataclass
class World:
    """A backend with a small corpus ingested, staff accounts, and three logged questions."""

    settings: Settings
    components: Components
    asked: dict[str, int]

    def user(self, name: str) -> User:
        return get_user(self.components.db, name).to_user()


def _ask(components: Components, name: str, site: str, question: str) -> int:
    person = get_user(components.db, name).to_user()
    conversation = current_conversation(components.db, name)
    return ask_in_chat(components, person, site, question, conversation).interaction_id


def is_utc(moment: datetime | None) -> bool:
    """Aware and in UTC: what the pages print under "(UTC)", whatever the database's time zone."""
    return moment is not None and moment.utcoffset() == timedelta(0)


@pytest.fixture(scope="module")
def world(module_backend: Settings) -> Iterator[World]:
    with pytest.MonkeyPatch.context() as patch:
        # A database session in another time zone (libpq reads PGTZ; SQLite ignores it).
        patch.setenv("PGTZ", "America/New_York")
        yield from _world(module_backend)


def _world(module_backend: Settings) -> Iterator[World]:
    settings = module_backend.model_copy(update={"auth": FAST})
    components = build(settings)
    report = components.ingestor().ingest(copy_corpus(settings.home.parent / "docs"))
    assert report.failures == [], report.failures
    for name, (role, sites) in STAFF.items():
        create_user(components.db, FAST, name, f"{name}-{SECRET}", role, sites)
    asked = {
        "down": _ask(components, "olivia", "brookfield", LOCKOUT_Q),
        "up": _ask(components, "theo", "calder", CALDER_Q),
        "none": _ask(components, "quinn", "dunmore", OFF_TOPIC_Q),
    }
    db = components.db
    give_feedback(db, get_user(db, "olivia").to_user(), asked["down"], False, "step 7 unclear")
    give_feedback(db, get_user(db, "theo").to_user(), asked["up"], True)
    yield World(settings, components, asked)
    components.db.dispose()


# --- accounts and logins -------------------------------------------------------------------


def test_accounts_keep_role_and_sites_and_listings_hold_no_hashes(world: World) -> None:
    db = world.components.db
    made = create_user(db, FAST, "Ana.Ops", SECRET, "technician", "calder, brookfield", "Ana")
    assert (made.username, made.role, made.sites) == (
        "ana.ops",
        Role.TECHNICIAN,
        ("brookfield", "calder"),
    )
    assert is_utc(made.created_at)
    assert abs((utcnow() - made.created_at).total_seconds()) < 60
    with pytest.raises(UsageError, match="already exists"):
        create_user(db, FAST, "ANA.OPS", "Other-Pass-123", "admin", "dunmore")
    stored = get_user(db, "ana.ops")
    assert (stored.role, stored.sites, stored.display_name) == (Role.TECHNICIAN, made.sites, "Ana")
    listed = list_users(db)
    names = [a.username for a in listed]
    assert {"ana.ops", *STAFF} <= set(names) and names == sorted(names)
    for account in listed:
        dumped = account.model_dump(mode="json")
        assert "password_hash" not in dumped
        assert not [v for v in dumped.values() if isinstance(v, str) and v.startswith("$2")]
    with db.session() as session:
        row = session.get(UserRow, "ana.ops")
        assert row is not None and row.password_hash.startswith("$2b$04$")


def test_login_needs_the_right_password_and_is_stamped(world: World) -> None:
    db = world.components.db
    create_user(db, FAST, "lena", SECRET, "operator", "dunmore")
    with pytest.raises(AuthenticationError) as caught:
        authenticate(db, FAST, "lena", "wrong-password")
    assert str(caught.value) == INVALID_LOGIN and not isinstance(caught.value, AccountLockedError)
    assert get_user(db, "lena").failed_attempts == 1
    auth = authenticate(db, FAST, " LENA ", SECRET)
    assert (auth.username, auth.role, auth.sites) == ("lena", Role.OPERATOR, ("dunmore",))
    account = get_user(db, "lena")
    assert account.failed_attempts == 0
    assert account.last_login is not None and is_utc(account.last_login)
    assert abs((account.last_login - auth.started_at).total_seconds()) < 1
    assert refresh_session(db, FAST, auth, now=auth.started_at + timedelta(minutes=5)).sites == (
        "dunmore",
    )


def test_disabled_account_cannot_log_in_until_enabled(world: World) -> None:
    db = world.components.db
    create_user(db, FAST, "dan", SECRET, "technician", "calder")
    auth = authenticate(db, FAST, "dan", SECRET)
    assert set_disabled(db, "dan").disabled
    with pytest.raises(AuthenticationError, match=INVALID_LOGIN):
        authenticate(db, FAST, "dan", SECRET)
    with pytest.raises(SessionExpiredError, match="no longer active"):
        refresh_session(db, FAST, auth)
    assert get_user(db, "dan").disabled
    assert not set_disabled(db, "dan", disabled=False).disabled
    assert authenticate(db, FAST, "dan", SECRET).username == "dan"


def test_password_change_replaces_the_old_password(world: World) -> None:
    db = world.components.db
    create_user(db, FAST, "pia", SECRET, "quality", "brookfield")
    set_password(db, FAST, "pia", "N3w-Password!")
    with pytest.raises(AuthenticationError):
        authenticate(db, FAST, "pia", SECRET)
    assert authenticate(db, FAST, "pia", "N3w-Password!").username == "pia"


def test_repeated_failures_lock_the_account_until_it_expires_or_is_reset(world: World) -> None:
    db = world.components.db
    create_user(db, FAST, "lou", SECRET, "operator", "brookfield")
    now = utcnow()
    for _ in range(FAST.max_failed_attempts - 1):
        with pytest.raises(AuthenticationError) as caught:
            authenticate(db, FAST, "lou", "wrong-password", now=now)
        assert not isinstance(caught.value, AccountLockedError)
    with pytest.raises(AccountLockedError, match="try again in 10 minute"):
        authenticate(db, FAST, "lou", "wrong-password", now=now)
    locked_until = get_user(db, "lou").locked_until
    assert locked_until is not None and is_utc(locked_until)
    assert abs((locked_until - (now + timedelta(minutes=10))).total_seconds()) < 1
    with pytest.raises(AccountLockedError, match="try again in 1 minute"):
        authenticate(db, FAST, "lou", SECRET, now=now + timedelta(minutes=9, seconds=30))
    assert authenticate(db, FAST, "lou", SECRET, now=now + timedelta(minutes=11)).username == "lou"
    assert get_user(db, "lou").locked_until is None
    for _ in range(FAST.max_failed_attempts):
        with pytest.raises(AuthenticationError):
            authenticate(db, FAST, "lou", "wrong-password")
    set_password(db, FAST, "lou", "Reset-Pass-9")  # an admin reset clears the lock-out
    assert authenticate(db, FAST, "lou", "Reset-Pass-9").username == "lou"


# --- chat, feedback and quality review -------------------------------------------------------


def test_chat_turns_are_logged_with_their_feedback(world: World) -> None:
    quinn = world.user("quinn")
    down = interaction_detail(world.components.db, quinn, world.asked["down"])
    record = down.interaction
    assert (record.username, record.role, record.site) == ("olivia", "operator", "brookfield")
    assert (record.question, record.abstained) == (LOCKOUT_Q, False)
    assert (record.feedback_score, record.feedback_comment, record.feedback_by) == (
        -1,
        "step 7 unclear",
        "olivia",
    )
    assert is_utc(record.created_at) and is_utc(record.feedback_at)
    cited = [(s.doc_id, s.revision, s.current_revision) for s in down.sources]
    assert ("BRK-SOP-001", "4", "4") in cited
    assert all(s.snippet and not s.outdated for s in down.sources)
    none = interaction_detail(world.components.db, quinn, world.asked["none"]).interaction
    assert none.abstained and none.feedback_score is None


def test_chat_refuses_other_sites_and_feedback_on_others_answers(world: World) -> None:
    olivia, theo = world.user("olivia"), world.user("theo")
    with pytest.raises(AccessDeniedError, match="calder"):
        ask_in_chat(world.components, olivia, "calder", CALDER_Q, 1)
    with pytest.raises(AccessDeniedError, match="your own"):
        give_feedback(world.components.db, theo, world.asked["down"], True)
    detail = interaction_detail(world.components.db, world.user("quinn"), world.asked["down"])
    assert detail.interaction.feedback_score == -1


ALL = ["none", "up", "down"]  # newest first
DAY = timedelta(days=1)


@pytest.mark.parametrize(
    ("flt", "expected"),
    [
        pytest.param(ReviewFilter(), ALL, id="all"),
        pytest.param(ReviewFilter(feedback="down"), ["down"], id="down"),
        pytest.param(ReviewFilter(feedback="up"), ["up"], id="up"),
        pytest.param(ReviewFilter(feedback="none"), ["none"], id="no-feedback"),
        pytest.param(ReviewFilter(abstained=True), ["none"], id="abstained"),
        pytest.param(ReviewFilter(abstained=False), ["up", "down"], id="answered"),
        pytest.param(
            ReviewFilter(roles=[Role.TECHNICIAN, Role.OPERATOR]), ["up", "down"], id="roles"
        ),
        pytest.param(ReviewFilter(sites=["calder"]), ["up"], id="site"),
        pytest.param(ReviewFilter(date_from=TODAY - DAY, date_to=TODAY), ALL, id="today"),
        pytest.param(ReviewFilter(date_to=TODAY - 2 * DAY), [], id="before"),
        pytest.param(ReviewFilter(date_from=TODAY + 2 * DAY), [], id="after"),
    ],
)
def test_review_list_filters(world: World, flt: ReviewFilter, expected: list[str]) -> None:
    items = list_for_review(world.components.db, world.user("quinn"), flt)
    assert [i.id for i in items] == [world.asked[k] for k in expected]


def test_review_is_stored_and_read_back_by_fresh_components(world: World) -> None:
    quinn, target = world.user("quinn"), world.asked["down"]
    record = record_review(world.components.db, quinn, target, "sop_needs_update", " step 7 ")
    assert (record.reviewer, record.disposition, record.comment) == (
        "quinn",
        Disposition.SOP_NEEDS_UPDATE,
        "step 7",
    )
    fresh = build(world.settings)
    try:
        detail = interaction_detail(fresh.db, quinn, target)
        (item,) = list_for_review(fresh.db, quinn, ReviewFilter(feedback="down"))
    finally:
        fresh.db.dispose()
    assert [r.model_dump() for r in detail.reviews] == [record.model_dump()]
    assert is_utc(detail.reviews[0].created_at) and is_utc(item.created_at)
    assert abs((utcnow() - detail.reviews[0].created_at).total_seconds()) < 60
    assert (item.id, item.disposition, item.reviewed_by) == (
        target,
        Disposition.SOP_NEEDS_UPDATE,
        "quinn",
    )
    assert item.feedback_comment == "step 7 unclear" and "BRK-SOP-001 rev 4" in item.cited


def _reviews_of(world: World, interaction_id: int) -> list[ReviewRecord]:
    return interaction_detail(world.components.db, world.user("quinn"), interaction_id).reviews


def test_only_reviewers_of_the_site_may_review(world: World) -> None:
    db, target = world.components.db, world.asked["up"]
    before = _reviews_of(world, target)
    for name in ("olivia", "theo"):
        person = world.user(name)
        with pytest.raises(AccessDeniedError, match="review"):
            list_for_review(db, person, ReviewFilter())
        with pytest.raises(AccessDeniedError):
            interaction_detail(db, person, target)
        with pytest.raises(AccessDeniedError):
            record_review(db, person, target, "incorrect")
    brookfield_only = world.user("bq")
    assert [i.id for i in list_for_review(db, brookfield_only, ReviewFilter())] == [
        world.asked["down"]
    ]
    with pytest.raises(AccessDeniedError, match="calder"):
        record_review(db, brookfield_only, target, "incorrect")
    with pytest.raises(UsageError, match="unknown disposition"):
        record_review(db, world.user("quinn"), target, "maybe")
    assert _reviews_of(world, target) == before
