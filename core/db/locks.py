"""A cross-process advisory lock that keeps ingestion runs from overlapping.

Why one lock for all sites: every run starts by repairing what interrupted runs left behind
(``ingestion.writer.repair`` discards *every* staged version), so a run starting while another
is writing would discard that run's versions mid-write, whatever the sites. Runs therefore take
turns; a run that finds the lock taken waits for it (``ingest.lock_wait_s``) and then fails with
:class:`IngestionBusyError`.

* PostgreSQL: ``pg_try_advisory_lock`` on a dedicated connection held for the whole run.
* SQLite: ``flock`` on ``<database file>.ingest.lock``.

Both are released by the server or the kernel when the holder dies, ``kill -9`` included, so a
crashed run never leaves a stale lock behind. Other databases run without the lock.

The same mechanism, under the name ``migrations``, serialises schema upgrades
(:meth:`core.db.engine.Database.upgrade`), which every app instance runs at start-up.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import logging
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from sqlalchemy import Connection, text

from core.db.engine import Database, is_unavailable, unavailable
from core.errors import IngestionBusyError

log = logging.getLogger(__name__)
_POLL_S = 0.25
_ANNOUNCE_AFTER_S = 2.0


def lock_key(name: str) -> int:
    """A stable signed 64-bit key for ``pg_advisory_lock`` derived from a lock name."""
    digest = hashlib.blake2b(f"plant-copilot:{name}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def _wait(try_lock: Callable[[], bool], name: str, wait_s: float) -> None:
    """Call ``try_lock`` until it succeeds or ``wait_s`` has passed (says so after 2 s)."""
    started = time.monotonic()
    announced = False
    while not try_lock():
        waited = time.monotonic() - started
        if waited >= wait_s:
            raise IngestionBusyError(
                f"another {name} run is in progress (lock not free after {wait_s:.0f} s);"
                " try again later"
            )
        if waited >= _ANNOUNCE_AFTER_S and not announced:
            log.warning("another %s run holds the lock; waiting up to %.0f s", name, wait_s)
            announced = True
        time.sleep(min(_POLL_S, wait_s - waited))


@contextlib.contextmanager
def _pg_lock(db: Database, name: str, wait_s: float) -> Iterator[None]:
    key = lock_key(name)
    conn = _pg_acquire(db, name, key, wait_s)
    try:
        yield
    finally:
        with contextlib.suppress(Exception):  # a dead connection has released it already
            conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": key})
            conn.commit()
        with contextlib.suppress(Exception):
            conn.close()


def _pg_acquire(db: Database, name: str, key: int, wait_s: float) -> Connection:
    """A connection holding the session-level advisory lock ``key``."""
    conn: Connection | None = None
    try:
        conn = db.engine.connect()
        statement = text("SELECT pg_try_advisory_lock(:key)")
        held = conn
        _wait(lambda: bool(held.execute(statement, {"key": key}).scalar()), name, wait_s)
        conn.commit()  # session-level: the lock outlives this transaction
        return conn
    except Exception as exc:
        if conn is not None:
            with contextlib.suppress(Exception):
                conn.close()
        if is_unavailable(exc):
            raise unavailable(db.url, exc) from exc
        raise


@contextlib.contextmanager
def _file_lock(path: Path, name: str, wait_s: float) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a+") as handle:

        def try_lock() -> bool:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return False
            return True

        _wait(try_lock, name, wait_s)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _sqlite_file(db: Database) -> Path | None:
    database = db.engine.url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return Path(database)


@contextlib.contextmanager
def exclusive_lock(db: Database, name: str, wait_s: float) -> Iterator[None]:
    """Hold the advisory lock ``name`` (waiting up to ``wait_s`` seconds) for the block."""
    dialect = db.engine.dialect.name
    if dialect == "postgresql":
        with _pg_lock(db, name, wait_s):
            yield
        return
    sqlite_file = _sqlite_file(db) if dialect == "sqlite" else None
    if sqlite_file is None:
        yield
        return
    with _file_lock(sqlite_file.with_name(f"{sqlite_file.name}.{name}.lock"), name, wait_s):
        yield
