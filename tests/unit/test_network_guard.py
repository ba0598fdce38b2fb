"""The suite's network guard itself: it must block the outside and allow loopback."""

from __future__ import annotations

import socket

import pytest

from tests.conftest import NetworkAccessError

pytestmark = pytest.mark.unit


def test_non_loopback_connection_is_refused_and_recorded(no_network: list[str]) -> None:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        with pytest.raises(NetworkAccessError, match="blocked"):
            sock.connect(("93.184.216.34", 80))
    finally:
        sock.close()
    assert no_network == ["connect 93.184.216.34:80"]
    no_network.clear()  # expected here; any other test with an attempt fails at teardown


def test_dns_lookup_of_outside_host_is_refused(no_network: list[str]) -> None:
    with pytest.raises(OSError, match="blocked"):
        socket.getaddrinfo("huggingface.co", 443)
    assert no_network == ["resolve huggingface.co"]
    no_network.clear()


def test_loopback_is_allowed(no_network: list[str]) -> None:
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    client = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        client.connect(server.getsockname())
        assert client.getpeername() == server.getsockname()
        assert no_network == []
    finally:
        client.close()
        server.close()
