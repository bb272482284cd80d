"""The TLS contexts the harness's HTTP clients share: each is built once per process, not once per call.

httpx builds a fresh context for every client it is not handed one, loading certifi's whole store each time: about
50 ms of CPU, which a probe read every tenth of a second, a health check or a fault's call paid again and again.
"""

from __future__ import annotations

import functools
import ssl


@functools.cache
def trusted() -> ssl.SSLContext:
    """What httpx trusts by default (certifi's store), for a client that may meet HTTPS: built on first use."""
    import httpx

    return httpx.create_ssl_context(trust_env=False)


def plain_only() -> ssl.SSLContext:
    """The context of a transport that speaks plain HTTP (over a unix socket): it trusts no certificate, so it
    loads none, and an HTTPS call through it fails."""
    return ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
