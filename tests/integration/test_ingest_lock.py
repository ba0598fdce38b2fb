"""Ingestion runs never overlap: the advisory lock of core/db/locks.py, in both modes
(PostgreSQL ``pg_advisory_lock``, SQLite ``flock``). A run waits for the lock, fails with exit
code 6 when it stays taken, and a holder killed with -9 releases it at once.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time

import pytest

from app.cli.main import main
from core.db.engine import Database
from core.db.locks import exclusive_lock
from core.errors import IngestionBusyError
from core.settings import Settings
from services.wiring import build
from tests.conftest import REPO
from tests.servers import settings_env

pytestmark = pytest.mark.integration

HOLD = """
import sys, time
from core.db.engine import Database
from core.db.locks import exclusive_lock
db = Database(sys.argv[1])
with exclusive_lock(db, "ingestion", 0):
    print("held", flush=True)
    time.sleep(120)
"""


def test_a_second_run_fails_fast_when_told_not_to_wait(
    backend: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    components = build(backend)
    impatient = backend.model_copy(
        update={"ingest": backend.ingest.model_copy(update={"lock_wait_s": 0})}
    )
    with exclusive_lock(components.db, "ingestion", 0):
        with pytest.raises(IngestionBusyError, match="another ingestion run is in progress"):
            build(impatient).ingestor().reindex()
        for key, value in {
            **settings_env(backend),
            "PLANT_COPILOT_INGEST__LOCK_WAIT_S": "0",
        }.items():
            monkeypatch.setenv(key, value)
        assert main(["reindex"]) == 6
        last = capsys.readouterr().err.strip().splitlines()[-1]  # after the progress bar
        assert last.startswith("error: another ingestion run is in progress (lock not free")
    report = build(impatient).ingestor().reindex()  # free again
    assert report.failures == []
    components.db.dispose()


def test_a_run_waits_for_the_lock_then_proceeds(backend: Settings) -> None:
    components = build(backend)
    held, release = threading.Event(), threading.Event()

    def holder() -> None:
        with exclusive_lock(Database(backend.resolved_database_url), "ingestion", 0):
            held.set()
            release.wait(30)

    thread = threading.Thread(target=holder)
    thread.start()
    assert held.wait(30)
    threading.Timer(1.0, release.set).start()
    started = time.monotonic()
    report = components.ingestor().reindex()
    waited = time.monotonic() - started
    thread.join(30)
    assert report.failures == []
    assert waited >= 0.9, "the run must have waited for the holder"
    components.db.dispose()


def test_a_holder_killed_with_sigkill_releases_the_lock(backend: Settings) -> None:
    db = Database(backend.resolved_database_url)
    db.upgrade()
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLD, backend.resolved_database_url],
        cwd=REPO,
        env={**os.environ, **settings_env(backend)},
        stdout=subprocess.PIPE,
    )
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == b"held"
        with pytest.raises(IngestionBusyError), exclusive_lock(db, "ingestion", 0):
            pass
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    started = time.monotonic()
    with exclusive_lock(db, "ingestion", 10):
        assert time.monotonic() - started < 5
    db.dispose()


PROBE = """
import sys
from core.db.engine import Database
from core.db.locks import exclusive_lock
from core.errors import IngestionBusyError
try:
    with exclusive_lock(Database(sys.argv[1]), "ingestion", 0):
        sys.exit(0)
except IngestionBusyError:
    sys.exit(42)
"""


def test_db_run_locked_holds_the_lock_for_the_command(
    backend: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    for key, value in settings_env(backend).items():
        monkeypatch.setenv(key, value)
    url = backend.resolved_database_url
    monkeypatch.setenv("PYTHONPATH", str(REPO))
    assert main(["db", "run-locked", "--", sys.executable, "-c", PROBE, url]) == 42
    assert subprocess.call([sys.executable, "-c", PROBE, url], cwd=REPO) == 0, "released after"
    assert main(["db", "run-locked"]) == 2
