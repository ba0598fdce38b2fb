"""Server mode under faults: the Chroma server or PostgreSQL goes away mid-query, hangs, comes
back. Callers get one clear line (BackendUnavailableError; the CLI exits 5 with ``error: ...``)
and the same process recovers by itself when the server returns.

What this verifies about reconnection (chromadb 1.5.9, SQLAlchemy 2.1 + psycopg 3):
* chromadb's HttpClient needs no help: its httpx session opens a new connection on the next
  request, and the collection object stays valid because the restarted server reads the same
  data directory;
* the database engine recovers through ``pool_pre_ping``: pooled connections broken by the
  restart are replaced on checkout.

These tests start their own servers (they stop them), separate from the session servers.
"""

from __future__ import annotations

import shutil
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest

from app.cli.main import main
from core.errors import BackendUnavailableError
from core.settings import Settings
from services.ask import ask
from services.search import search
from services.wiring import Components, build
from tests.conftest import SAMPLE_DOCS
from tests.server_procs import ChromaServer, PostgresServer
from tests.servers import server_settings, settings_env

pytestmark = [pytest.mark.integration, pytest.mark.server]

QUESTION = "caustic wash concentration and temperature for FILLER-2 CIP"


@dataclass
class Stack:
    """Private servers and an indexed corpus on them."""

    pg: PostgresServer
    chroma: ChromaServer
    settings: Settings


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    root = tmp_path_factory.mktemp("faults")
    pg = PostgresServer().start()
    chroma = ChromaServer(root / "chroma").start()
    try:
        settings = server_settings(
            root / "home",
            pg.create_database("faults"),
            (chroma.host, chroma.port),
            "faults",
            timeout_s=3.0,
        )
        shutil.copytree(SAMPLE_DOCS / "brookfield" / "sop", root / "docs" / "brookfield" / "sop")
        components = build(settings)
        assert components.ingestor().ingest(root / "docs").failures == []
        components.db.dispose()
        yield Stack(pg, chroma, settings)
    finally:
        chroma.stop(kill=True)
        pg.cleanup()


def assert_one_line(exc: BaseException, starts: str) -> None:
    message = str(exc)
    assert message.startswith(starts), message
    assert "\n" not in message and len(message) < 400, message


def cli(args: list[str], settings: Settings, monkeypatch: pytest.MonkeyPatch) -> int:
    for key, value in settings_env(settings).items():
        monkeypatch.setenv(key, value)
    return main(args)


def hammer(
    call: Callable[[], object], seconds: float, fault: Callable[[], None]
) -> list[Exception]:
    """Run ``call`` in 4 threads for ``seconds``, causing ``fault`` half-way; the errors seen."""
    errors: list[Exception] = []
    stop = threading.Event()

    def loop() -> None:
        while not stop.is_set():
            try:
                call()
            except Exception as exc:
                errors.append(exc)

    threads = [threading.Thread(target=loop) for _ in range(4)]
    for thread in threads:
        thread.start()
    time.sleep(seconds / 2)
    fault()
    time.sleep(seconds / 2)
    stop.set()
    for thread in threads:
        thread.join(60)
    return errors


def ask_ok(components: Components) -> None:
    answer = ask(components, QUESTION, "brookfield", "operator", user="faults").answer
    assert not answer.abstained and answer.citations


def test_chroma_stopped_mid_query_then_back(
    stack: Stack, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    components = build(stack.settings)
    ask_ok(components)
    query = lambda: search(components, QUESTION, "brookfield", "operator")  # noqa: E731
    try:
        errors = hammer(query, 2.0, lambda: stack.chroma.stop(kill=True))
        assert errors, "queries after the stop must fail"
        assert {type(e) for e in errors} == {BackendUnavailableError}, errors[:3]
        where = f"vector index unavailable (Chroma server http://127.0.0.1:{stack.chroma.port}"
        for error in errors:
            assert_one_line(error, where)
        with pytest.raises(BackendUnavailableError) as caught:
            ask(components, QUESTION, "brookfield", "operator")
        assert_one_line(caught.value, "vector index unavailable")
        for command in (["search", QUESTION], ["ask", QUESTION]):
            assert cli([*command, "--site", "brookfield", "--role", "operator"], stack.settings, monkeypatch) == 5  # fmt: skip
            err = capsys.readouterr().err.strip()
            assert (
                err.startswith("error: vector index unavailable (Chroma server") and "\n" not in err
            )
    finally:
        stack.chroma.start()
    ask_ok(components)  # the same process, the same client: no reconnect logic needed
    assert cli(["search", QUESTION, "--site", "brookfield", "--role", "operator"], stack.settings, monkeypatch) == 0  # fmt: skip
    components.db.dispose()


def test_a_hung_chroma_server_times_out_instead_of_hanging(stack: Stack) -> None:
    components = build(stack.settings)  # chroma.timeout_s = 3
    ask_ok(components)
    stack.chroma.pause()
    try:
        started = time.monotonic()
        with pytest.raises(BackendUnavailableError) as caught:
            search(components, QUESTION, "brookfield", "operator")
        assert time.monotonic() - started < 20
        assert_one_line(caught.value, "vector index unavailable (Chroma server")
        assert "timed out" in str(caught.value).lower()
    finally:
        stack.chroma.resume()
    ask_ok(components)
    components.db.dispose()


def test_database_stopped_mid_query_then_back(
    stack: Stack, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    components = build(stack.settings)
    ask_ok(components)
    try:
        errors = hammer(lambda: ask_ok(components), 2.0, stack.pg.stop)
        assert errors, "asks after the stop must fail"
        assert {type(e) for e in errors} == {BackendUnavailableError}, errors[:3]
        where = (
            f"database unavailable (postgresql+psycopg://postgres@127.0.0.1:{stack.pg.port}/faults)"
        )
        for error in errors:
            assert_one_line(error, where)
        for command in (["ask", QUESTION], ["search", QUESTION]):
            assert cli([*command, "--site", "brookfield", "--role", "operator"], stack.settings, monkeypatch) == 5  # fmt: skip
            err = capsys.readouterr().err.strip()
            assert err.startswith("error: database unavailable (postgresql") and "\n" not in err
    finally:
        stack.pg.start()
    ask_ok(components)  # pool_pre_ping replaces the connections the restart broke
    assert cli(["ask", QUESTION, "--site", "brookfield", "--role", "operator"], stack.settings, monkeypatch) == 0  # fmt: skip
    components.db.dispose()
