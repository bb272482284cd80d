"""The app's HTTP clients to its providers: the time-tracking OAuth API, the mail API and the messaging API.

Every failure becomes one ``ProviderError`` with a short code the app records and counts: the provider's own
RFC 6749 / API error code when it answered one (``invalid_client``, ``invalid_grant``, ``invalid_token``,
``invalid_credential``), ``rate_limited`` for a 429, ``http_<status>`` otherwise, and ``timeout`` or
``unreachable`` when no answer came.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import httpx


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
class TokenGrant:
    """A token pair as the provider issued it; ``expires_in`` is in scenario seconds."""

    access_token: str
    refresh_token: str
    expires_in: float


@dataclass(frozen=True)
class TimeEntry:
    id: str
    day: str
    project: str
    hours: float


@dataclass(frozen=True)
class SentMessage:
    """``duplicate`` is True when the idempotency key had been used: nothing new was delivered."""

    id: str
    duplicate: bool


async def _call(provider: str, request: Callable[[], Awaitable[httpx.Response]]) -> httpx.Response:
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


def _json_object(provider: str, response: httpx.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        body = None
    if not isinstance(body, dict):
        raise ProviderError(provider, "malformed_response", response.status_code)
    return body


class TimetrackingClient:
    """OAuth 2 (authorization code, refresh with rotation) and the timesheets API of the provider."""

    name = "timetracking"

    def __init__(self, http: httpx.AsyncClient, client_id: str, client_secret: Callable[[], str]) -> None:
        self.http = http
        self.client_id = client_id
        self.client_secret = client_secret

    async def authorize(self, account: str) -> str:
        """The account owner's consent; answers the authorization code."""
        payload = {"client_id": self.client_id, "account": account}
        response = await _call(self.name, lambda: self.http.post("/oauth/authorize", json=payload))
        code = _json_object(self.name, response).get("code")
        if not isinstance(code, str):
            raise ProviderError(self.name, "malformed_response", response.status_code)
        return code

    async def exchange_code(self, code: str) -> TokenGrant:
        return await self._token({"grant_type": "authorization_code", "code": code})

    async def refresh(self, refresh_token: str) -> TokenGrant:
        return await self._token({"grant_type": "refresh_token", "refresh_token": refresh_token})

    async def timesheets(self, access_token: str, start: date, end: date) -> list[TimeEntry]:
        params = {"from": start.isoformat(), "to": end.isoformat()}
        headers = {"Authorization": f"Bearer {access_token}"}
        response = await _call(self.name, lambda: self.http.get("/api/v1/timesheets", params=params, headers=headers))
        entries = _json_object(self.name, response).get("entries")
        if not isinstance(entries, list):
            raise ProviderError(self.name, "malformed_response", response.status_code)
        return [_time_entry(self.name, entry) for entry in entries]

    async def _token(self, form: dict[str, str]) -> TokenGrant:
        body = {**form, "client_id": self.client_id, "client_secret": self.client_secret()}
        response = await _call(self.name, lambda: self.http.post("/oauth/token", data=body))
        grant = _json_object(self.name, response)
        try:
            return TokenGrant(
                access_token=str(grant["access_token"]),
                refresh_token=str(grant["refresh_token"]),
                expires_in=float(grant["expires_in"]),
            )
        except (KeyError, TypeError, ValueError):
            raise ProviderError(self.name, "malformed_response", response.status_code) from None


def _time_entry(provider: str, entry: Any) -> TimeEntry:
    try:
        return TimeEntry(
            id=str(entry["id"]), day=str(entry["date"]), project=str(entry["project"]), hours=float(entry["hours"])
        )
    except (KeyError, TypeError, ValueError):
        raise ProviderError(provider, "malformed_response") from None


class MailClient:
    """Sends one message; the idempotency key makes a retried send deliver at most once."""

    name = "mail"

    def __init__(self, http: httpx.AsyncClient, api_key: Callable[[], str], sender: str) -> None:
        self.http = http
        self.api_key = api_key
        self.sender = sender

    async def send(self, to: str, subject: str, text: str, idempotency_key: str) -> SentMessage:
        message = {"from": self.sender, "to": to, "subject": subject, "text": text}
        headers = {"Authorization": f"Bearer {self.api_key()}", "Idempotency-Key": idempotency_key}
        response = await _call(self.name, lambda: self.http.post("/v1/messages", json=message, headers=headers))
        message_id = _json_object(self.name, response).get("id")
        if message_id is None:
            raise ProviderError(self.name, "malformed_response", response.status_code)
        return SentMessage(id=str(message_id), duplicate=response.status_code == 200)


class MessagingClient:
    """Sends one text message (SMS-like); the idempotency key makes a retried send deliver at most once."""

    name = "messaging"

    def __init__(self, http: httpx.AsyncClient, api_key: Callable[[], str]) -> None:
        self.http = http
        self.api_key = api_key

    async def send(self, to: str, body: str, idempotency_key: str) -> SentMessage:
        headers = {"Authorization": f"Bearer {self.api_key()}", "Idempotency-Key": idempotency_key}
        message = {"to": to, "body": body}
        response = await _call(self.name, lambda: self.http.post("/v1/messages", json=message, headers=headers))
        message_id = _json_object(self.name, response).get("id")
        if message_id is None:
            raise ProviderError(self.name, "malformed_response", response.status_code)
        return SentMessage(id=str(message_id), duplicate=response.status_code == 200)
