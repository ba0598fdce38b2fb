"""Run ``streamlit`` (same arguments as ``plant-copilot serve``) under a network guard.

Used by the browser tests to start the real app in a subprocess: any connection or DNS lookup
that leaves the loopback range is refused and written to the file named by
``E2E_NETWORK_LOG``, which the test checks is empty at the end.
"""

from __future__ import annotations

import ipaddress
import os
import socket
from typing import Any

_LOG = os.environ.get("E2E_NETWORK_LOG", "")
_connect = socket.socket.connect
_connect_ex = socket.socket.connect_ex
_getaddrinfo = socket.getaddrinfo


def _loopback(host: Any) -> bool:
    if isinstance(host, bytes):
        host = host.decode()
    if host in ("localhost", "", None):
        return True
    try:
        return ipaddress.ip_address(str(host).split("%")[0]).is_loopback
    except ValueError:
        return False


def _refuse(what: str) -> None:
    if _LOG:
        with open(_LOG, "a", encoding="utf-8") as handle:
            handle.write(what + "\n")
    raise OSError(f"network access blocked in e2e app: {what}")


def _check(sock: socket.socket, address: Any) -> None:
    if sock.family != socket.AF_UNIX:
        host = address[0] if isinstance(address, tuple) else address
        if not _loopback(host):
            _refuse(f"connect {address!r}")


def _guarded_connect(self: socket.socket, address: Any) -> Any:
    _check(self, address)
    return _connect(self, address)


def _guarded_connect_ex(self: socket.socket, address: Any) -> Any:
    _check(self, address)
    return _connect_ex(self, address)


def _guarded_getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
    if not _loopback(host):
        _refuse(f"resolve {host!r}")
    return _getaddrinfo(host, *args, **kwargs)


def main() -> None:
    """Install the guard, then hand over to the app's server entry (warm-up, then Streamlit)."""
    socket.socket.connect = _guarded_connect  # type: ignore[method-assign]
    socket.socket.connect_ex = _guarded_connect_ex  # type: ignore[method-assign]
    socket.getaddrinfo = _guarded_getaddrinfo
    from app.ui.serve import main as serve_main

    serve_main()


if __name__ == "__main__":
    main()
