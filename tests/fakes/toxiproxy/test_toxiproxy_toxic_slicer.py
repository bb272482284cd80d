"""The slicer toxic: data arrives whole, in pieces of about ``average_size`` bytes, ``delay`` µs apart."""

from __future__ import annotations

import os


def test_slicer_sends_the_data_whole_in_small_pieces(echo_proxy, connect, add_toxic, echo_server):
    add_toxic("slicer", "upstream", average_size=10, size_variation=5, delay=10_000)
    payload = os.urandom(200)

    answer = connect(echo_proxy).echo(payload)

    assert (answer, sum(echo_server.reads)) == (payload, 200)
    assert len(echo_server.reads) >= 5  # at least 13 pieces 10 ms apart; a busy reader may join a few


def test_slicer_without_a_delay_still_delivers_everything(echo_proxy, connect, add_toxic):
    add_toxic("slicer", average_size=1, size_variation=0, delay=0)
    payload = os.urandom(5000)

    assert connect(echo_proxy).echo(payload) == payload
