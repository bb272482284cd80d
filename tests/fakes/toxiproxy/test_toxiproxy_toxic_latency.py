"""The latency toxic: ``latency`` ± ``jitter`` milliseconds on every chunk of its stream."""

from __future__ import annotations

import time

import pytest


@pytest.mark.parametrize("stream", ["downstream", "upstream"])
def test_latency_delays_each_answer_by_at_least_the_latency(echo_proxy, connect, add_toxic, stream):
    add_toxic("latency", stream, latency=100)
    client = connect(echo_proxy)

    answers = [client.timed_echo(b"ping %d" % number) for number in range(3)]

    assert [answer for answer, _ in answers] == [b"ping 0", b"ping 1", b"ping 2"]
    assert min(seconds for _, seconds in answers) >= 0.08


def test_latency_jitter_delays_by_at_least_latency_minus_jitter(echo_proxy, connect, add_toxic):
    add_toxic("latency", latency=150, jitter=50)
    client = connect(echo_proxy)

    seconds = [client.timed_echo(b"ping")[1] for _ in range(4)]

    assert min(seconds) >= 0.08


def test_latency_delays_consecutive_chunks_each_and_keeps_their_order(echo_proxy, connect, add_toxic):
    # How much the delays overlap is a figure of bench/toxiproxy_bench.py, not a test: a busy machine stretches it.
    add_toxic("latency", latency=200)
    client = connect(echo_proxy)
    start = time.monotonic()

    for number in range(5):
        client.send(b"%d" % number)
        time.sleep(0.01)  # five separate reads: one delay each

    assert (client.receive(5), time.monotonic() - start >= 0.18) == (b"01234", True)
