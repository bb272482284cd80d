"""The app's client to the time-tracking provider: OAuth 2 (authorization code, refresh with rotation) and the
timesheets API. Its failures are ``ProviderError`` codes (``fakes.kit.providers``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import httpx

from fakes.kit.providers import ProviderError, call, json_object


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
        response = await call(self.name, lambda: self.http.post("/oauth/authorize", json=payload))
        code = json_object(self.name, response).get("code")
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
        response = await call(self.name, lambda: self.http.get("/api/v1/timesheets", params=params, headers=headers))
        entries = json_object(self.name, response).get("entries")
        if not isinstance(entries, list):
            raise ProviderError(self.name, "malformed_response", response.status_code)
        return [_time_entry(self.name, entry) for entry in entries]

    async def _token(self, form: dict[str, str]) -> TokenGrant:
        body = {**form, "client_id": self.client_id, "client_secret": self.client_secret()}
        response = await call(self.name, lambda: self.http.post("/oauth/token", data=body))
        grant = json_object(self.name, response)
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
