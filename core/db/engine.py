"""Engine and session creation, and schema upgrades through Alembic.

SQLite (the embedded default) runs in WAL mode with a busy timeout so that the app, the CLI and
ingestion can share one file; PostgreSQL needs nothing special.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, create_engine, event, make_url, text
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError, ProgrammingError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from sqlalchemy.orm import Session, sessionmaker

from core.errors import BackendUnavailableError

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
MIGRATION_LOCK_WAIT_S = 600.0
HEAD_REVISION = "0007_asset_registry"
"""The newest migration (a test checks it is Alembic's head): a database already there needs no
Alembic run, which keeps alembic's import and environment (~0.3 s) off every CLI start."""


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def make_engine(url: str) -> Engine:
    """Create an engine; for SQLite, make the parent folder and switch on WAL."""
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True, connect_args={"connect_timeout": 5})


def alembic_config(url: str) -> Config:
    """Alembic configuration pointing at the packaged migrations, for any database URL."""
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade_schema(url: str, revision: str = "head") -> None:
    """Apply migrations up to ``revision``; raise BackendUnavailableError if unreachable."""
    from alembic import command

    try:
        command.upgrade(alembic_config(url), revision)
    except Exception as exc:
        if not is_unavailable(exc):
            raise
        raise unavailable(url, exc) from exc


def is_unavailable(exc: BaseException) -> bool:
    """True when ``exc`` means the database cannot be reached or used right now (server down,
    connection lost, SQLite locked for too long, no pooled connection free in time)."""
    if isinstance(exc, OperationalError | InterfaceError | PoolTimeoutError):
        return True
    return isinstance(exc, DBAPIError) and bool(exc.connection_invalidated)


def unavailable(url: str, exc: BaseException) -> BackendUnavailableError:
    """The one-line error for an unreachable database: where it is and why (no password)."""
    where = make_url(url).render_as_string(hide_password=True)
    return BackendUnavailableError(f"database unavailable ({where}): {_short(exc)}")


def _short(exc: BaseException) -> str:
    """The driver's first line, without SQLAlchemy's wrapper and help link."""
    orig = getattr(exc, "orig", None)
    text = str(orig if orig is not None else exc).strip()
    return (text.splitlines()[0] if text else type(exc).__name__)[:200]


def _quiet_rollback(session: Session) -> None:
    """Roll back; on a dead connection the rollback itself fails, and that is not news."""
    try:
        session.rollback()
    except Exception as exc:
        if not is_unavailable(exc):
            raise


def _quiet_close(session: Session) -> None:
    try:
        session.close()
    except Exception as exc:
        if not is_unavailable(exc):
            raise


class Database:
    """An engine plus a session factory; one per process, created by the wiring function."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = make_engine(url)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session that commits on success and rolls back on error.

        Connection failures become :class:`BackendUnavailableError` with a one-line reason.
        """
        session = self._sessions()
        try:
            yield session
            session.commit()
        except Exception as exc:
            _quiet_rollback(session)
            if is_unavailable(exc):
                raise unavailable(self.url, exc) from exc
            raise
        except BaseException:
            _quiet_rollback(session)
            raise
        finally:
            _quiet_close(session)

    def upgrade(self) -> None:
        """Bring the schema to the latest migration.

        Callers take turns (an advisory lock, see :mod:`core.db.locks`): several app instances
        starting at once on a new release would otherwise run the same migration concurrently,
        and all but one fail half-way (seen on PostgreSQL: duplicate key in pg_type).
        """
        if self.at_head():
            return
        from core.db.locks import exclusive_lock

        with exclusive_lock(self, "migrations", MIGRATION_LOCK_WAIT_S):
            upgrade_schema(self.url)

    def at_head(self) -> bool:
        """True when the schema is at :data:`HEAD_REVISION` (False for a new or older database,
        and when it cannot be reached: the upgrade then reports why)."""
        try:
            with self.engine.connect() as conn:
                versions = conn.execute(text("SELECT version_num FROM alembic_version")).scalars()
                return list(versions) == [HEAD_REVISION]
        except (OperationalError, ProgrammingError, InterfaceError):
            return False

    def dispose(self) -> None:
        """Close pooled connections."""
        self.engine.dispose()
