"""Engine and session creation, and schema upgrades through Alembic.

SQLite (the embedded default) runs in WAL mode with a busy timeout so that the app, the CLI and
ingestion can share one file; PostgreSQL needs nothing special.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from core.errors import BackendUnavailableError

MIGRATIONS_DIR = Path(__file__).with_name("migrations")


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
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade_schema(url: str, revision: str = "head") -> None:
    """Apply migrations up to ``revision``; raise BackendUnavailableError if unreachable."""
    try:
        command.upgrade(alembic_config(url), revision)
    except OperationalError as exc:
        raise BackendUnavailableError(f"database unavailable: {_short(exc)}") from exc


def _short(exc: BaseException) -> str:
    return str(exc).splitlines()[0][:200]


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
        except OperationalError as exc:
            session.rollback()
            raise BackendUnavailableError(f"database unavailable: {_short(exc)}") from exc
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def upgrade(self) -> None:
        """Bring the schema to the latest migration."""
        upgrade_schema(self.url)

    def dispose(self) -> None:
        """Close pooled connections."""
        self.engine.dispose()
