"""Suite-wide guards: offline environment and a socket guard that fails any non-loopback connect.

Every test runs with the guard: a library that tries to reach the network (a model hub, a
telemetry endpoint, a tracker) fails the test instead of silently phoning home.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from core.settings import apply_offline_env

apply_offline_env()

# Real PostgreSQL and Chroma servers (started only when a test asks) and the `backend` fixture.
pytest_plugins = ["tests.servers"]

REPO = Path(__file__).resolve().parents[1]
SAMPLE_DOCS = REPO / "sample_docs"
SHARED = REPO.parent / "shared"

_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex
_real_getaddrinfo = socket.getaddrinfo


class NetworkAccessError(OSError):
    """Raised when code under test tries to leave the machine."""


def _is_loopback(host: Any) -> bool:
    if isinstance(host, bytes):
        host = host.decode()
    if host in ("localhost", "", None):
        return True
    try:
        return ipaddress.ip_address(str(host).split("%")[0]).is_loopback
    except ValueError:
        return False


ATTEMPTS: list[str] = []
"""Blocked attempts of the running test (a library may swallow the error; we still fail)."""


def _check(address: Any, family: int) -> None:
    if family == socket.AF_UNIX:
        return
    host = address[0] if isinstance(address, tuple) else address
    if not _is_loopback(host):
        ATTEMPTS.append(f"connect {host}:{address[1] if isinstance(address, tuple) else ''}")
        raise NetworkAccessError(f"network access blocked in tests: {address!r}")


def _guarded_connect(self: socket.socket, address: Any) -> Any:
    _check(address, self.family)
    return _real_connect(self, address)


def _guarded_connect_ex(self: socket.socket, address: Any) -> Any:
    _check(address, self.family)
    return _real_connect_ex(self, address)


def _guarded_getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
    if not _is_loopback(host):
        ATTEMPTS.append(f"resolve {host}")
        raise NetworkAccessError(f"DNS lookup blocked in tests: {host!r}")
    return _real_getaddrinfo(host, *args, **kwargs)


@pytest.fixture(autouse=True, scope="session")
def _network_guard() -> Iterator[None]:
    """Fail any connection or DNS lookup outside the loopback range, for the whole session."""
    socket.socket.connect = _guarded_connect  # type: ignore[method-assign]
    socket.socket.connect_ex = _guarded_connect_ex  # type: ignore[method-assign]
    socket.getaddrinfo = _guarded_getaddrinfo
    yield
    socket.socket.connect = _real_connect  # type: ignore[method-assign]
    socket.socket.connect_ex = _real_connect_ex  # type: ignore[method-assign]
    socket.getaddrinfo = _real_getaddrinfo


@pytest.fixture(autouse=True)
def no_network() -> Iterator[list[str]]:
    """Per test: yields the blocked attempts and fails the test if there were any."""
    ATTEMPTS.clear()
    yield ATTEMPTS
    attempts = list(ATTEMPTS)
    ATTEMPTS.clear()
    assert not attempts, f"the test tried to reach the network: {attempts}"


@pytest.fixture(scope="session")
def real_corpus_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A home with a copy of sample_docs indexed by the REAL model into real Chroma, once per
    session (about a minute on 2 cores). Tests must not modify it; copy it if they need to."""
    import shutil

    from core.settings import Settings
    from services.wiring import build

    root = tmp_path_factory.mktemp("real")
    shutil.copytree(SAMPLE_DOCS, root / "docs")
    settings = Settings(_env_file=None, home=root / "home")  # type: ignore[call-arg]
    report = build(settings).ingestor().ingest(root / "docs")
    assert report.failures == [], report.failures
    return root


@pytest.fixture(scope="session")
def ui_corpus(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """A few sample documents ingested once (hashing embedder, in-memory index) for UI tests."""
    from tests.ui_support import ingest_corpus

    return ingest_corpus(tmp_path_factory.mktemp("ui-corpus"))


@pytest.fixture
def ui_components(ui_corpus: Any, tmp_path: Path) -> Iterator[Any]:
    """Components over a private copy of the UI corpus registry, with the demo users."""
    from tests.ui_support import components_for

    yield from components_for(ui_corpus, tmp_path)
