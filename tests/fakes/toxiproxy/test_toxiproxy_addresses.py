"""Addresses read, resolved and printed as Go's net package does."""

from __future__ import annotations

import asyncio

import pytest

from fakes.toxiproxy.addresses import TcpAddress, resolve, split_host_port
from fakes.toxiproxy.errors import ProxyError


@pytest.mark.parametrize(
    ("address", "parts"),
    [("localhost:80", ("localhost", "80")), ("[::1]:0", ("::1", "0")), (":8474", ("", "8474"))],
)
def test_split_host_port_splits_like_go(address, parts):
    assert split_host_port(address) == parts


@pytest.mark.parametrize(
    ("address", "message"),
    [
        ("local373", "address local373: missing port in address"),
        ("a:b:c", "address a:b:c: too many colons in address"),
        ("[::1", "address [::1: missing ']' in address"),
        ("[::1]80", "address [::1]80: missing port in address"),
    ],
)
def test_split_host_port_refuses_like_go(address, message):
    with pytest.raises(ProxyError) as refused:
        split_host_port(address)

    assert str(refused.value) == message


@pytest.mark.parametrize(
    ("address", "resolved"),
    [("localhost:0", "127.0.0.1:0"), ("[::1]:80", "[::1]:80"), ("", ":0"), (":8474", ":8474")],
)
def test_resolve_prints_the_address_go_compares(address, resolved):
    assert str(asyncio.run(resolve(address))) == resolved


def test_tcp_address_prints_ipv6_in_brackets():
    assert (str(TcpAddress("::", 1)), str(TcpAddress("127.0.0.1", 2))) == ("[::]:1", "127.0.0.1:2")
