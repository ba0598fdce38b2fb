"""Browser tests: the real app served by ``streamlit run`` on a free loopback port, driven by
headless Chromium (the Debian package, launched with flags that keep it off the network).

The app process runs under a network guard (``guarded_streamlit.py``) and the browser context
aborts and records any request that is not to the app: both lists must stay empty.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from app.ui.launch import streamlit_argv, streamlit_env
from tests.conftest import REPO
from tests.ui_support import copy_corpus

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = REPO / "test-artifacts"
GUARD = Path(__file__).with_name("guarded_streamlit.py")


@dataclass
class ServedApp:
    """A running app: its URL, its process, and the network attempts seen so far."""

    url: str
    process: subprocess.Popen[bytes]
    network_log: Path
    server_log: Path
    browser_outside: list[str] = field(default_factory=list)

    def outside_attempts(self) -> list[str]:
        """Blocked attempts of the app process plus requests the browser tried elsewhere."""
        server = self.network_log.read_text().splitlines() if self.network_log.exists() else []
        return server + self.browser_outside


@pytest.fixture(scope="session")
def browser_type_launch_args() -> dict[str, Any]:
    """pytest-playwright launch options: the system Chromium, offline flags, no download."""
    if not CHROMIUM.exists():
        # Fail, not skip: `make test` installs it, so a missing browser is a broken setup.
        pytest.fail("chromium is not installed: run `make e2e-deps` (apt-get install chromium)")
    return {"executable_path": str(CHROMIUM), "args": CHROMIUM_ARGS, "headless": True}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _cli(env: dict[str, str], *args: str) -> None:
    subprocess.run(
        [sys.executable, "-m", "app.cli.main", *args],
        env=env,
        cwd=REPO,
        check=True,
        capture_output=True,
        timeout=300,
    )


def _wait_healthy(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the app exited early:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"the app did not become healthy:\n{log.read_text()[-3000:]}")


@pytest.fixture(scope="module")
def served_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServedApp]:
    """Index a few sample documents (hashing embedder, real Chroma), add the demo users and
    serve the app exactly as ``plant-copilot serve`` does, under a network guard."""
    root = tmp_path_factory.mktemp("e2e")
    env = streamlit_env()
    env.update(
        {
            "PLANT_COPILOT_HOME": str(root / "home"),
            "PLANT_COPILOT_EMBEDDING__BACKEND": "hashing",
            "PLANT_COPILOT_UI__STREAM_DELAY_S": "0.01",
            "E2E_NETWORK_LOG": str(root / "network.log"),
        }
    )
    _cli(env, "ingest", str(copy_corpus(root / "docs")))
    _cli(env, "users", "demo")
    port = _free_port()
    command = [sys.executable, str(GUARD), *streamlit_argv(port)[3:]]  # "run main.py --flags"
    log = root / "server.log"
    with log.open("wb") as sink:
        process = subprocess.Popen(
            command,
            env=env,
            cwd=REPO,
            stdout=sink,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    app = ServedApp(f"http://127.0.0.1:{port}", process, root / "network.log", log)
    try:
        _wait_healthy(app.url, process, log)
        ARTIFACTS.mkdir(exist_ok=True)
        yield app
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
