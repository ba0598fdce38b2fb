"""Real servers for the test suite, and the ``backend`` fixture that runs a test in both modes.

``pg_server`` and ``chroma_server`` start one throwaway PostgreSQL and one ``chroma run`` on
free loopback ports for the whole session, only when a test asks for them (``-m "not server"``
starts nothing). ``backend`` gives a test its Settings twice: ``embedded`` (SQLite + on-disk
Chroma in a temp home) and ``server`` (a fresh database on the PostgreSQL server + a fresh
collection on the Chroma server, marked ``server``). The test body is the same in both modes.
"""

from __future__ import annotations

import contextlib
import itertools
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from core.settings import ChromaSettings, Settings
from tests.helpers import make_settings
from tests.server_procs import ChromaServer, PostgresServer, ServerError

BACKENDS = [
    pytest.param("embedded", id="embedded"),
    pytest.param("server", id="server", marks=pytest.mark.server),
]
"""Parameters of every backend-parametrised fixture: server runs carry the ``server`` marker."""

_names = itertools.count(1)


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PostgresServer]:
    """One PostgreSQL server for the session (stopped with ``-m immediate`` at the end)."""
    try:
        server = PostgresServer()
        server.start()
    except ServerError as exc:
        pytest.fail(f"cannot start PostgreSQL for server-mode tests: {exc}")
    yield server
    server.cleanup()


@pytest.fixture(scope="session")
def chroma_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ChromaServer]:
    """One Chroma server for the session."""
    try:
        server = ChromaServer(tmp_path_factory.mktemp("chroma-server") / "data").start()
    except ServerError as exc:
        pytest.fail(f"cannot start the Chroma server for server-mode tests: {exc}")
    yield server
    server.stop(kill=True)


def unique_name(prefix: str = "t") -> str:
    """A database / collection name unique in this session (Chroma needs >= 3 characters)."""
    return f"{prefix}{os.getpid()}_{next(_names)}"


def server_settings(
    home: Path,
    database_url: str,
    chroma: tuple[str, int],
    collection: str,
    **chroma_options: object,
) -> Settings:
    """Settings for server mode: PostgreSQL at ``database_url``, Chroma over HTTP at
    ``chroma`` (host, port); everything else is the embedded mode's settings
    (``tests.helpers.make_settings``: the hashing embedder with its fake reader). The support
    weights are fitted for the real reader and embedder, and these tests are about the storage
    backends, not answering."""
    server = ChromaSettings(
        mode="server",
        host=chroma[0],
        port=chroma[1],
        collection=collection,
        **chroma_options,  # type: ignore[arg-type]
    )
    return make_settings(home).model_copy(update={"database_url": database_url, "chroma": server})


def new_backend(kind: str, home: Path, request: pytest.FixtureRequest) -> Settings:
    """Settings of a fresh, empty backend of ``kind``; server resources go at teardown."""
    if kind == "embedded":
        return make_settings(home)
    pg: PostgresServer = request.getfixturevalue("pg_server")
    chroma: ChromaServer = request.getfixturevalue("chroma_server")
    name = unique_name()
    url = pg.create_database(name)
    request.addfinalizer(lambda: _drop(pg, chroma, name))
    return server_settings(home, url, (chroma.host, chroma.port), collection=name)


def _drop(pg: PostgresServer, chroma: ChromaServer, name: str) -> None:
    """Best-effort removal of a test's database and collection."""
    import chromadb
    from chromadb.config import Settings as ClientSettings

    with contextlib.suppress(Exception):
        client = chromadb.HttpClient(
            host=chroma.host, port=chroma.port, settings=ClientSettings(anonymized_telemetry=False)
        )
        client.delete_collection(name)
    with contextlib.suppress(Exception):
        pg.drop_database(name)


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Settings:
    """Settings of an empty backend, once embedded and once server (see module docstring)."""
    return new_backend(request.param, tmp_path / "home", request)


@pytest.fixture(scope="module", params=BACKENDS)
def module_backend(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Settings:
    """Like ``backend``, shared by the tests of one module (for an expensive common setup)."""
    return new_backend(request.param, tmp_path_factory.mktemp("backend") / "home", request)


def settings_env(settings: Settings) -> dict[str, str]:
    """The PLANT_COPILOT_* variables that make a CLI process use exactly these settings."""
    env = {
        "PLANT_COPILOT_HOME": str(settings.home),
        "PLANT_COPILOT_EMBEDDING__BACKEND": settings.embedding.backend,
        "PLANT_COPILOT_CHROMA__MODE": settings.chroma.mode,
        "PLANT_COPILOT_CHROMA__COLLECTION": settings.chroma.collection,
    }
    if settings.database_url:
        env["PLANT_COPILOT_DATABASE_URL"] = settings.database_url
    if settings.chroma.mode == "server":
        env["PLANT_COPILOT_CHROMA__HOST"] = settings.chroma.host
        env["PLANT_COPILOT_CHROMA__PORT"] = str(settings.chroma.port)
    return env
