"""The slow_close toxic: the close of a stream waits ``delay`` milliseconds."""

from __future__ import annotations

import socket
import time


def test_slow_close_delays_the_close_seen_by_the_client(echo_proxy, connect, add_toxic):
    add_toxic("slow_close", delay=300)
    client = connect(echo_proxy)
    client.echo(b"last words")

    start = time.monotonic()
    client.sock.shutdown(socket.SHUT_WR)  # the upstream connection closes, the answer's close is held back

    assert (client.until_closed(), time.monotonic() - start >= 0.25) == (b"", True)


def test_slow_close_lets_data_through_at_once(echo_proxy, connect, add_toxic):
    add_toxic("slow_close", delay=600_000)  # data held that long would miss the read's deadline (WAIT)
    client = connect(echo_proxy)

    assert client.echo(b"quick") == b"quick"
