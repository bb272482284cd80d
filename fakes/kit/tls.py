"""The TLS context a fake's HTTP clients share, built once per process (httpx would load certifi's store, about
50 ms of CPU, for every client it is not handed one)."""

from __future__ import annotations

import functools
import ssl

import httpx


@functools.cache
def trusted() -> ssl.SSLContext:
    """What httpx trusts by default, built on first use."""
    return httpx.create_ssl_context(trust_env=False)
