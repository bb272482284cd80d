"""Data through a proxy, and toxics coming and going on connections that are already open."""

from __future__ import annotations

import os
import threading
import time

import pytest

from tests.fakes.toxiproxy.toxiproxy_world import WAIT, api_client

# A latency no answer survives: data it still held would miss every read's deadline (WAIT), so a test of a toxic
# that no longer applies checks that the data arrives, not how soon.
FOREVER_MS = 600_000


def test_proxy_carries_a_large_payload_both_ways_intact(echo_proxy, connect):
    client, payload = connect(echo_proxy), os.urandom(2 * 1024 * 1024)
    sender = threading.Thread(target=client.send, args=(payload,))

    sender.start()
    received = client.receive(len(payload))
    sender.join(WAIT)

    assert received == payload


def test_toxic_added_applies_to_an_open_connection(echo_proxy, connect, add_toxic):
    client = connect(echo_proxy)
    client.echo(b"warm")

    add_toxic("latency", latency=150)
    answer, seconds = client.timed_echo(b"slow now")

    assert answer == b"slow now"
    assert seconds >= 0.12


def test_toxic_removed_stops_applying_to_an_open_connection(api, echo_proxy, connect, add_toxic):
    add_toxic("latency", latency=FOREVER_MS)
    client = connect(echo_proxy)

    api.delete("/proxies/echo/toxics/latency_downstream")

    assert client.echo(b"fast again") == b"fast again"


def test_toxic_updated_applies_to_an_open_connection(api, echo_proxy, connect, add_toxic):
    add_toxic("latency", latency=0)
    client = connect(echo_proxy)
    client.echo(b"warm")

    api.patch("/proxies/echo/toxics/latency_downstream", json={"attributes": {"latency": 150}})
    answer, seconds = client.timed_echo(b"slower")

    assert answer == b"slower"
    assert seconds >= 0.12


def test_removing_a_toxic_releases_the_data_it_holds(api, echo_proxy, connect, add_toxic):
    add_toxic("latency", latency=FOREVER_MS)
    client = connect(echo_proxy)
    client.send(b"held")

    time.sleep(0.05)
    api.delete("/proxies/echo/toxics/latency_downstream")

    assert client.receive(4) == b"held"


def test_changing_toxics_mid_stream_keeps_the_stream_whole_and_in_order(api, echo_proxy, connect, add_toxic):
    client, payload = connect(echo_proxy), os.urandom(300_000)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(client.receive(len(payload))))
    reader.start()

    for start in range(0, len(payload), 10_000):
        client.send(payload[start : start + 10_000])
        step = start // 10_000 % 6
        if step == 0:
            add_toxic("latency", "downstream", latency=5)
        elif step == 1:
            add_toxic("slicer", "upstream", average_size=1000, size_variation=300)
        elif step == 2:
            add_toxic("bandwidth", "downstream", rate=20_000)
        elif step == 3:
            api.delete("/proxies/echo/toxics/latency_downstream")
        elif step == 4:
            api.delete("/proxies/echo/toxics/slicer_upstream")
        else:
            api.delete("/proxies/echo/toxics/bandwidth_downstream")
    reader.join(WAIT)

    assert received == [payload]


def test_toxicity_zero_never_applies(echo_proxy, connect, add_toxic):
    add_toxic("latency", toxicity=0.0, latency=FOREVER_MS)

    answers = [connect(echo_proxy).echo(b"ping") for _ in range(5)]

    assert answers == [b"ping"] * 5


def toxic_pattern(server, echo_server, connect) -> list[bool]:
    """Which of eight new connections a 50%-toxic limit_data of 2 bytes applied to (its echo is cut short)."""
    with api_client(server.url) as api:
        answer = api.post("/proxies", json={"name": "echo", "listen": "127.0.0.1:0", "upstream": echo_server.upstream})
        api.post("/proxies/echo/toxics", json={"type": "limit_data", "toxicity": 0.5, "attributes": {"bytes": 2}})
    host, port = answer.json()["listen"].rsplit(":", 1)
    return [connect((host, int(port))).echo(b"ping") == b"pi" for _ in range(8)]


def test_toxicity_rolls_repeat_with_the_same_seed(start_server, echo_server, connect):
    first = toxic_pattern(start_server(seed=7), echo_server, connect)
    second = toxic_pattern(start_server(seed=7), echo_server, connect)

    assert first == second
    assert sorted(set(first)) == [False, True]


def test_closing_the_client_closes_the_upstream_connection(echo_proxy, connect, echo_server):
    client = connect(echo_proxy)
    client.echo(b"bye")

    client.close()

    deadline = time.monotonic() + WAIT
    while echo_server.closed_by_peer == 0 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert echo_server.closed_by_peer == 1


@pytest.mark.parametrize("stream", ["upstream", "downstream"])
def test_noop_toxic_passes_data_unchanged(echo_proxy, connect, add_toxic, stream):
    add_toxic("noop", stream)

    assert connect(echo_proxy).echo(b"unchanged") == b"unchanged"


def test_reset_removes_toxics_from_open_connections(api, echo_proxy, connect, add_toxic):
    add_toxic("latency", latency=FOREVER_MS)
    add_toxic("slicer", "upstream", average_size=2)
    client = connect(echo_proxy)

    api.post("/reset")

    assert client.echo(b"clean again") == b"clean again"
