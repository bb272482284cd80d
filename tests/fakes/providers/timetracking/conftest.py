"""The time-tracking provider in-process, and a helper that connects an account (authorize + exchange)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable

import httpx
import pytest

from fakes.kit.clock import ScaledClock
from fakes.providers.timetracking import TimetrackingState, create_app, timetracking_state

CLIENT_ID = "drillbit-app"
SECRET = "s3cret"

Connect = Callable[[str], Awaitable[dict[str, object]]]


@pytest.fixture
def state(clock: ScaledClock) -> TimetrackingState:
    return timetracking_state(SECRET, clock, seed=0, access_ttl=3600, refresh_ttl=86400)


@pytest.fixture
async def client(state: TimetrackingState) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=create_app(state))
    async with httpx.AsyncClient(transport=transport, base_url="http://timetracking") as client:
        yield client


@pytest.fixture
def connect(client: httpx.AsyncClient) -> Connect:
    """Authorize ``account`` and exchange the code: the token response."""

    async def connect(account: str) -> dict[str, object]:
        authorized = await client.post("/oauth/authorize", json={"client_id": CLIENT_ID, "account": account})
        form = {"grant_type": "authorization_code", "code": authorized.json()["code"]}
        answer = await client.post("/oauth/token", data=form, auth=(CLIENT_ID, SECRET))
        assert answer.status_code == 200, answer.text
        token: dict[str, object] = answer.json()
        return token

    return connect
