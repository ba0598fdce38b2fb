"""A fake OpenAI-compatible chat server on 127.0.0.1, run in a thread, with scripted replies.

It implements ``POST /v1/chat/completions`` with the real response shape, records every request
body, and answers each request with the next scripted step: a reply text, an HTTP status, or a
delay (to exercise timeouts).
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Step:
    """One scripted response."""

    content: str = ""
    status: int = 200
    delay_s: float = 0.0
    raw: str | None = None


@dataclass
class FakeChat:
    """Script and log of the fake server."""

    steps: list[Step] = field(default_factory=list)
    requests: list[dict[str, Any]] = field(default_factory=list)
    headers: list[dict[str, str]] = field(default_factory=list)
    base_url: str = ""

    def reply(self, content: str) -> None:
        """Queue a normal assistant reply."""
        self.steps.append(Step(content=content))


def _handler(chat: FakeChat) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:  # silence stderr
            return

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            if self.path != "/v1/chat/completions":
                self._send(404, {"error": {"message": "not found"}})
                return
            chat.requests.append(json.loads(body))
            chat.headers.append(dict(self.headers.items()))
            step = chat.steps.pop(0) if chat.steps else Step(status=500)
            time.sleep(step.delay_s)
            if step.raw is not None:
                self._send_text(step.status, step.raw)
            elif step.status != 200:
                self._send(step.status, {"error": {"message": "scripted failure"}})
            else:
                self._send(200, _completion(step.content, chat.requests[-1]))

        def _send(self, status: int, payload: dict[str, Any]) -> None:
            self._send_text(status, json.dumps(payload))

        def _send_text(self, status: int, text: str) -> None:
            data = text.encode("utf-8")
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (timeout test)

    return Handler


def _completion(content: str, request: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": "chatcmpl-fake-1",
        "object": "chat.completion",
        "created": 1_700_000_000,
        "model": request.get("model", "fake"),
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": content},
                "logprobs": None,
                "finish_reason": "stop",
            }
        ],
        "usage": {"prompt_tokens": 100, "completion_tokens": 20, "total_tokens": 120},
    }


@contextmanager
def fake_chat_server() -> Iterator[FakeChat]:
    """Serve a FakeChat on a free loopback port for the duration of the block."""
    chat = FakeChat()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(chat))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    chat.base_url = f"http://127.0.0.1:{server.server_address[1]}/v1"
    try:
        yield chat
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
