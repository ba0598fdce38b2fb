"""The suite's network guard itself: it must block the outside and allow loopback."""

from __future__ import annotations

import socket

import pytest

from tests.conftest import NetworkAccessError

pytestmark = pytest.mark.unit


def test_non_loopback_connection_is_refused() -> None:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        with pytest.raises(NetworkAccessError):
            sock.connect(("93.184.216.34", 80))
    finally:
        sock.close()


def test_dns_lookup_of_outside_host_is_refused() -> None:
    with pytest.raises(NetworkAccessError):
        socket.getaddrinfo("huggingface.co", 443)


def test_loopback_is_allowed() -> None:
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    client = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        client.connect(server.getsockname())
    finally:
        client.close()
        server.close()
