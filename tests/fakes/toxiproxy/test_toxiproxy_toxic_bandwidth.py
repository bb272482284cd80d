"""The bandwidth toxic: at most ``rate`` KB/s (1 KB = 1000 bytes); 0 lets nothing through."""

from __future__ import annotations

import os

from tests.fakes.toxiproxy.toxiproxy_world import WAIT


def test_bandwidth_limits_the_rate_of_the_stream(echo_proxy, connect, add_toxic):
    add_toxic("bandwidth", rate=100)
    client, payload = connect(echo_proxy), os.urandom(50_000)

    answer, seconds = client.timed_echo(payload)

    assert answer == payload
    assert seconds >= 0.4  # 50 KB at 100 KB/s takes half a second


def test_bandwidth_zero_holds_the_data_until_the_toxic_is_removed(api, echo_proxy, connect, add_toxic):
    add_toxic("bandwidth", rate=0)
    client = connect(echo_proxy)
    client.send(b"stuck")
    client.sock.settimeout(0.3)
    try:
        client.sock.recv(5)
        held = False
    except TimeoutError:
        held = True
    client.sock.settimeout(WAIT)

    api.delete("/proxies/echo/toxics/bandwidth_downstream")

    assert (held, client.receive(5)) == (True, b"stuck")


def test_bandwidth_raised_on_an_open_connection_lets_the_data_through(api, echo_proxy, connect, add_toxic):
    add_toxic("bandwidth", rate=0)
    client, payload = connect(echo_proxy), os.urandom(20_000)
    client.send(payload)

    api.patch("/proxies/echo/toxics/bandwidth_downstream", json={"attributes": {"rate": 1000}})

    assert client.receive(20_000) == payload
