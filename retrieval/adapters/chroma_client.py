"""Chroma clients (embedded on disk, or a server over HTTP) and the error boundary around them.

Every Chroma call of the adapter goes through :func:`guard`, which turns connection-level
failures into :class:`BackendUnavailableError` with one line naming where the index lives,
what was being done and why it failed. Errors that are not about reaching the store (a bad
filter, a bug) pass through unchanged.

Server mode notes, verified against chromadb 1.5.9 (``tests/integration/test_faults.py``):

* ``chromadb.HttpClient`` talks through one ``httpx.Client`` per host and port; after the server
  stops and comes back, the next request simply opens a new connection, so the same client and
  collection objects work again without any reconnect logic here.
* That ``httpx.Client`` is created with no timeout at all, so a hung server would hang every
  caller; :func:`make_client` checks the heartbeat first (bounded) and then sets the configured
  timeout on the client's HTTP session.
* The single-node server does not check tokens; ``token`` is sent as ``Authorization: Bearer``
  for a reverse proxy in front of it to check (see ``docs/deployment.md``).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import chromadb
import httpx
from chromadb.config import Settings as ChromaClientSettings

from core.errors import BackendUnavailableError

T = TypeVar("T")
_REFUSED_STATUS = {401, 403, 502, 503, 504}
"""Answers of a reverse proxy in front of the server: upstream down, or token refused."""


def _reason(exc: BaseException) -> str:
    """One short line saying why a call failed."""
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text[:200]


def _unreachable(exc: BaseException) -> bool:
    """True for failures to reach the store, as opposed to errors in the request itself."""
    if isinstance(exc, httpx.HTTPStatusError):
        return exc.response.status_code in _REFUSED_STATUS
    if isinstance(exc, httpx.TransportError | ConnectionError | TimeoutError):
        return True
    if isinstance(exc, ValueError):  # chromadb's HttpClient wraps a refused connection so
        return "could not connect" in str(exc).lower()
    if isinstance(exc, OSError):
        return True
    name = type(exc).__name__
    return "Connect" in name or "Timeout" in name or "Unavailable" in name


def guard(action: str, call: Callable[[], T], where: str = "") -> T:
    """Run a Chroma call; failures to reach the store become BackendUnavailableError."""
    try:
        return call()
    except Exception as exc:
        if not _unreachable(exc):
            raise
        place = f" ({where})" if where else ""
        raise BackendUnavailableError(
            f"vector index unavailable{place} during {action}: {_reason(exc)}"
        ) from exc


def describe(client: Any) -> str:
    """Where a client's data lives, for error messages: server address or directory."""
    try:
        settings = client.get_settings()
    except Exception:
        return "Chroma"
    if "fastapi" in str(settings.chroma_api_impl).lower():
        scheme = "https" if settings.chroma_server_ssl_enabled else "http"
        host, port = settings.chroma_server_host, settings.chroma_server_http_port
        return f"Chroma server {scheme}://{host}:{port}"
    return f"embedded Chroma at {settings.persist_directory}"


def _preflight(base: str, headers: dict[str, str] | None, timeout_s: float) -> None:
    """Fail fast (and bounded) when nothing answers the heartbeat."""
    url = f"{base}/api/v2/heartbeat"
    response = httpx.get(url, headers=headers, timeout=min(timeout_s, 10.0))
    response.raise_for_status()


def _set_timeout(client: Any, timeout_s: float) -> None:
    """Give the HttpClient's HTTP session a timeout (chromadb creates it with none)."""
    session = getattr(getattr(client, "_server", None), "_session", None)
    if isinstance(session, httpx.Client):
        session.timeout = httpx.Timeout(timeout_s, connect=min(timeout_s, 5.0))


def make_client(
    mode: str,
    path: Path,
    host: str,
    port: int,
    token: str | None,
    ssl: bool = False,
    timeout_s: float = 60.0,
) -> Any:
    """A Chroma client with telemetry off: PersistentClient (embedded) or HttpClient (server)."""
    settings = ChromaClientSettings(anonymized_telemetry=False)
    if mode != "server":
        path.mkdir(parents=True, exist_ok=True)
        return chromadb.PersistentClient(path=str(path), settings=settings)
    headers = {"Authorization": f"Bearer {token}"} if token else None
    base = f"{'https' if ssl else 'http'}://{host}:{port}"
    where = f"Chroma server {base}"
    guard("connect", lambda: _preflight(base, headers, timeout_s), where)
    client = guard(
        "connect",
        lambda: chromadb.HttpClient(
            host=host, port=port, ssl=ssl, headers=headers, settings=settings
        ),
        where,
    )
    _set_timeout(client, timeout_s)
    return client
