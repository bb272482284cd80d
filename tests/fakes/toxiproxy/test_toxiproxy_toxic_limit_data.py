"""The limit_data toxic: the connection closes once ``bytes`` bytes have passed."""

from __future__ import annotations


def test_limit_data_passes_the_limit_then_closes(echo_proxy, connect, add_toxic):
    add_toxic("limit_data", bytes=50)
    client, payload = connect(echo_proxy), bytes(range(100))

    client.send(payload)

    assert client.until_closed() == payload[:50]


def test_limit_data_counts_each_connection_on_its_own(echo_proxy, connect, add_toxic):
    add_toxic("limit_data", bytes=8)
    first, second = connect(echo_proxy), connect(echo_proxy)

    first.send(b"0123456789")
    second.send(b"abcdefghij")

    assert (first.until_closed(), second.until_closed()) == (b"01234567", b"abcdefgh")


def test_limit_data_added_mid_connection_counts_from_then(echo_proxy, connect, add_toxic):
    client = connect(echo_proxy)
    client.echo(b"before the toxic")

    add_toxic("limit_data", bytes=4)
    client.send(b"abcdefgh")

    assert client.until_closed() == b"abcd"
