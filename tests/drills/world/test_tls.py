"""The TLS contexts the harness's HTTP clients share: built once, and each trusts what it says."""

from __future__ import annotations

import ssl

import httpx
import pytest

from drills.world import tls


def test_the_trusted_context_is_built_once_and_checks_certificates(monkeypatch: pytest.MonkeyPatch) -> None:
    built: list[ssl.SSLContext] = []
    real = httpx.create_ssl_context

    def counting(*, trust_env: bool) -> ssl.SSLContext:
        built.append(real(trust_env=trust_env))
        return built[-1]

    tls.trusted.cache_clear()
    monkeypatch.setattr(httpx, "create_ssl_context", counting)
    first, second = tls.trusted(), tls.trusted()
    tls.trusted.cache_clear()

    assert first is second
    assert len(built) == 1
    assert first.verify_mode == ssl.CERT_REQUIRED
    assert first.check_hostname
    assert first.cert_store_stats()["x509_ca"] > 0


def test_the_plain_only_context_trusts_no_certificate() -> None:
    context = tls.plain_only()

    assert context.verify_mode == ssl.CERT_REQUIRED
    assert context.cert_store_stats()["x509_ca"] == 0
