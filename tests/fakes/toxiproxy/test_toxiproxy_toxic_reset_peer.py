"""The reset_peer toxic: the connection is reset (TCP RST) ``timeout`` ms after data reaches the toxic."""

from __future__ import annotations

import time

import pytest


def test_reset_peer_resets_the_connection(echo_proxy, connect, add_toxic):
    add_toxic("reset_peer", timeout=0)
    client = connect(echo_proxy)

    client.send(b"hello")

    with pytest.raises(ConnectionResetError):
        client.until_closed()


def test_reset_peer_waits_for_its_timeout(echo_proxy, connect, add_toxic):
    add_toxic("reset_peer", "upstream", timeout=200)
    client = connect(echo_proxy)
    start = time.monotonic()

    client.send(b"hello")

    with pytest.raises(ConnectionResetError):
        client.until_closed()
    assert time.monotonic() - start >= 0.15
