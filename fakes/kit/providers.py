"""What an app's HTTP clients to its providers share: one HTTP client per provider, its calls, and its errors.

Every failure becomes one ``ProviderError`` with a short code the app records and counts: the provider's own
RFC 6749 / API error code when it answered one (``invalid_client``, ``invalid_grant``, ``invalid_token``,
``invalid_credential``), ``rate_limited`` for a 429, ``http_<status>`` otherwise, and ``timeout`` or
``unreachable`` when no answer came.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import httpx

from fakes.kit.tls import trusted


class ProviderError(Exception):
    """A provider call did not succeed."""

    def __init__(self, provider: str, code: str, status: int | None = None, retry_after: float | None = None):
        super().__init__(f"{provider}: {code}" + (f" (HTTP {status})" if status else ""))
        self.provider = provider
        self.code = code
        self.status = status
        self.retry_after = retry_after

    @property
    def transport(self) -> bool:
        """True when the provider never answered (down, blackholed, too slow)."""
        return self.code in ("timeout", "unreachable")


@dataclass(frozen=True)
class SentMessage:
    """``duplicate`` is True when the idempotency key had been used: nothing new was delivered."""

    id: str
    duplicate: bool


async def call(provider: str, request: Callable[[], Awaitable[httpx.Response]]) -> httpx.Response:
    try:
        response = await request()
    except httpx.TimeoutException:
        raise ProviderError(provider, "timeout") from None
    except httpx.TransportError:
        raise ProviderError(provider, "unreachable") from None
    if response.is_success:
        return response
    raise _error_of(provider, response)


def _error_of(provider: str, response: httpx.Response) -> ProviderError:
    status = response.status_code
    if status == 429:
        return ProviderError(provider, "rate_limited", status, _retry_after(response))
    code = None
    if 400 <= status < 500:
        try:
            body = response.json()
        except ValueError:
            body = None
        code = body.get("error") if isinstance(body, dict) else None
    return ProviderError(provider, code if isinstance(code, str) and code else f"http_{status}", status)


def _retry_after(response: httpx.Response) -> float | None:
    try:
        return float(response.headers["Retry-After"])
    except (KeyError, ValueError):
        return None


def json_object(provider: str, response: httpx.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        body = None
    if not isinstance(body, dict):
        raise ProviderError(provider, "malformed_response", response.status_code)
    return body


def http_client(base_url: str, timeout: float, transport: httpx.AsyncBaseTransport | None = None) -> httpx.AsyncClient:
    """A provider's client: every phase (connect, write, read) bounded by ``timeout`` wall seconds. A test passes
    ``transport`` to reach the provider in-process."""
    return httpx.AsyncClient(base_url=base_url, timeout=timeout, transport=transport, verify=trusted())


async def post_message(
    provider: str, http: httpx.AsyncClient, api_key: str, idempotency_key: str, message: dict[str, str]
) -> SentMessage:
    """``POST /v1/messages`` as a mail or messaging provider takes it: the credential as a bearer token, and an
    ``Idempotency-Key`` that makes a retried send deliver at most once."""
    headers = {"Authorization": f"Bearer {api_key}", "Idempotency-Key": idempotency_key}
    response = await call(provider, lambda: http.post("/v1/messages", json=message, headers=headers))
    message_id = json_object(provider, response).get("id")
    if message_id is None:
        raise ProviderError(provider, "malformed_response", response.status_code)
    return SentMessage(id=str(message_id), duplicate=response.status_code == 200)
