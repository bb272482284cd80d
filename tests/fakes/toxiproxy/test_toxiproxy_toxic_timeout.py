"""The timeout toxic: data is dropped; the connection closes after ``timeout`` ms (never, for 0)."""

from __future__ import annotations

import time

from tests.fakes.toxiproxy.toxiproxy_world import WAIT


def test_timeout_drops_data_and_closes_after_the_timeout(echo_proxy, connect, add_toxic):
    add_toxic("timeout", timeout=200)
    client = connect(echo_proxy)
    start = time.monotonic()

    client.send(b"lost")

    assert (client.until_closed(), time.monotonic() - start >= 0.15) == (b"", True)


def test_timeout_zero_drops_data_and_keeps_the_connection_open(echo_proxy, connect, add_toxic):
    add_toxic("timeout", timeout=0)
    client = connect(echo_proxy)
    client.send(b"lost")
    client.sock.settimeout(0.4)

    try:
        outcome = client.sock.recv(4)
    except TimeoutError:
        outcome = "still open, nothing received"

    assert outcome == "still open, nothing received"


def test_timeout_removed_closes_the_connections_it_dropped_data_of(api, echo_proxy, connect, add_toxic):
    add_toxic("timeout", timeout=0)
    client = connect(echo_proxy)
    client.send(b"lost")
    time.sleep(0.05)

    api.delete("/proxies/echo/toxics/timeout_downstream")

    client.sock.settimeout(WAIT)
    assert client.until_closed() == b""


def test_timeout_on_upstream_stops_requests_reaching_the_server(echo_proxy, connect, add_toxic, echo_server):
    add_toxic("timeout", "upstream", timeout=100)

    connect(echo_proxy).send(b"never arrives")

    time.sleep(0.3)
    assert echo_server.reads == []
