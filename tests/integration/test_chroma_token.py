"""The Chroma token reaches a reverse proxy in front of the Chroma server (the single-node server
does not check tokens itself, docs/deployment.md): with the right token everything works
through the proxy; with a wrong one the caller gets a one-line BackendUnavailableError naming
the 401 and the CLI exits 5.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import numpy as np
import pytest
from pydantic import SecretStr

from app.cli.main import main
from core.errors import BackendUnavailableError
from core.models import AccessScope, Role
from core.registry import ensure_site
from core.settings import Settings
from services.wiring import build, make_index
from tests.server_procs import ChromaServer, PostgresServer
from tests.servers import server_settings, settings_env, unique_name

pytestmark = [pytest.mark.integration, pytest.mark.server]
TOKEN = "s3cret-token"


def proxy_to(upstream: str) -> ThreadingHTTPServer:
    """A minimal authenticating reverse proxy (what nginx does in the deployment guide)."""
    client = httpx.Client(base_url=upstream, timeout=30)

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _forward(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            if self.headers.get("Authorization") != f"Bearer {TOKEN}":
                status, content, ctype = 401, b'{"error":"unauthorized"}', "application/json"
            else:
                headers = {"Content-Type": self.headers.get("Content-Type", "application/json")}
                reply = client.request(self.command, self.path, content=body, headers=headers)
                status, content = reply.status_code, reply.content
                ctype = reply.headers.get("Content-Type", "application/json")
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(content)))
            self.end_headers()
            self.wfile.write(content)

        do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _forward

        def log_message(self, *args: object) -> None:
            return

    return ThreadingHTTPServer(("127.0.0.1", 0), Handler)


@pytest.fixture
def proxied(
    pg_server: PostgresServer, chroma_server: ChromaServer
) -> Iterator[tuple[tuple[str, int], str]]:
    """The proxy's (host, port) in front of the session Chroma server, and a fresh database."""
    proxy = proxy_to(f"http://{chroma_server.host}:{chroma_server.port}")
    thread = threading.Thread(target=proxy.serve_forever, daemon=True)
    thread.start()
    name = unique_name("tok")
    yield ("127.0.0.1", int(proxy.server_address[1])), pg_server.create_database(name)
    proxy.shutdown()
    pg_server.drop_database(name)


def test_the_token_is_sent_and_checked_by_the_proxy(
    proxied: tuple[tuple[str, int], str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    front, url = proxied
    good = server_settings(tmp_path / "home", url, front, unique_name("tok"))
    good.chroma.token = SecretStr(TOKEN)
    index = make_index(good)
    vector = np.ones(good.embedding.dimension, dtype=np.float32)
    assert index.count() == 0
    assert index.query(vector, AccessScope(role=Role.ADMIN, sites=frozenset({"x1"})), 3) == []

    bad: Settings = good.model_copy(deep=True)
    bad.chroma.token = SecretStr("wrong")
    with pytest.raises(BackendUnavailableError) as caught:
        make_index(bad)
    message = str(caught.value)
    assert message.startswith("vector index unavailable (Chroma server http://127.0.0.1:")
    assert "401" in message and "\n" not in message

    components = build(bad)
    with components.db.session() as session:
        ensure_site(session, "brookfield")
    for key, value in settings_env(bad).items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("PLANT_COPILOT_CHROMA__TOKEN", "wrong")
    assert main(["search", "caustic", "--site", "brookfield", "--role", "operator"]) == 5
    assert capsys.readouterr().err.strip().startswith("error: vector index unavailable")
    components.db.dispose()
