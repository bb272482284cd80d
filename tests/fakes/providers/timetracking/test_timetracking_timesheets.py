"""The timesheets API: bearer access tokens, and entries that are the same for (seed, account, dates)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import httpx
import pytest

from fakes.kit.clock import ManualWall, ScaledClock
from fakes.providers.timetracking import create_app, timetracking_state

pytestmark = pytest.mark.anyio

Connect = Callable[[str], Awaitable[dict[str, object]]]
WEEK = {"from": "2024-01-01", "to": "2024-01-07"}


def bearer(token: dict[str, object]) -> dict[str, str]:
    return {"Authorization": f"Bearer {token['access_token']}"}


async def token_for(client: httpx.AsyncClient, account: str = "a", secret: str = "s") -> dict[str, object]:
    """Connect ``account`` on a provider whose client secret is ``secret``."""
    code = (await client.post("/oauth/authorize", json={"client_id": "drillbit-app", "account": account})).json()
    form = {"grant_type": "authorization_code", "code": code["code"]}
    token: dict[str, object] = (await client.post("/oauth/token", data=form, auth=("drillbit-app", secret))).json()
    return token


async def timesheets(client: httpx.AsyncClient, token: dict[str, object], **dates: str) -> httpx.Response:
    return await client.get("/api/v1/timesheets", params=dates or WEEK, headers=bearer(token))


async def test_timesheets_answer_the_accounts_entries(client: httpx.AsyncClient, connect: Connect) -> None:
    token = await connect("acme")

    answer = await timesheets(client, token, **{"from": "2024-01-06", "to": "2024-01-08"})

    assert (answer.status_code, answer.json()) == (
        200,
        {
            "account": "acme",
            "from": "2024-01-06",
            "to": "2024-01-08",
            "entries": [
                {"id": "te_a1371141d30c5ed1", "date": "2024-01-08", "project": "Billing revamp", "hours": 1.5},
                {"id": "te_3155872e14c8dc4e", "date": "2024-01-08", "project": "Onboarding", "hours": 1.25},
            ],
        },
    )


async def test_timesheets_are_the_same_for_the_same_seed_account_and_dates(clock: ScaledClock) -> None:
    answers = []
    for _ in range(2):
        app = create_app(timetracking_state("s", clock, seed=5))
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client:
            answers.append((await timesheets(client, await token_for(client))).json())

    assert answers[0] == answers[1]
    assert len(answers[0]["entries"]) > 0


async def test_timesheets_of_a_day_do_not_depend_on_the_range_asked(
    client: httpx.AsyncClient, connect: Connect
) -> None:
    token = await connect("acme")

    week = (await timesheets(client, token)).json()["entries"]
    one_day = (await timesheets(client, token, **{"from": "2024-01-03", "to": "2024-01-03"})).json()["entries"]

    assert one_day == [entry for entry in week if entry["date"] == "2024-01-03"]


async def test_timesheets_differ_between_accounts(client: httpx.AsyncClient, connect: Connect) -> None:
    acme, globex = await connect("acme"), await connect("globex")

    first, second = (await timesheets(client, acme)).json(), (await timesheets(client, globex)).json()

    assert first["entries"] != second["entries"]


async def test_timesheets_accept_iso_date_times(client: httpx.AsyncClient, connect: Connect) -> None:
    token = await connect("acme")

    answer = await timesheets(client, token, **{"from": "2024-01-01T08:00:00Z", "to": "2024-01-07T23:59:59+00:00"})

    assert answer.json() == (await timesheets(client, token)).json()


async def test_timesheets_refuse_a_reversed_range(client: httpx.AsyncClient, connect: Connect) -> None:
    token = await connect("acme")

    answer = await timesheets(client, token, **{"from": "2024-01-07", "to": "2024-01-01"})

    assert (answer.status_code, answer.json()) == (
        400,
        {"error": "invalid_request", "error_description": "to (2024-01-01) is before from (2024-01-07)"},
    )


async def test_timesheets_refuse_an_unknown_token(client: httpx.AsyncClient) -> None:
    answer = await timesheets(client, {"access_token": "at_forged"})

    assert (answer.status_code, answer.json()) == (
        401,
        {"error": "invalid_token", "error_description": "the access token is unknown"},
    )
    assert answer.headers["WWW-Authenticate"] == 'Bearer realm="timetracking", error="invalid_token"'


async def test_timesheets_refuse_an_access_token_past_its_scenario_lifetime() -> None:
    wall = ManualWall(1_700_000_000.0)
    clock = ScaledClock(scale=60.0, epoch=wall.now, wall=wall)
    app = create_app(timetracking_state("s", clock, access_ttl=3600))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client:
        token = await token_for(client)
        wall.advance(59.9)
        before = await timesheets(client, token)
        wall.advance(0.1)
        after = await timesheets(client, token)

    assert (before.status_code, after.status_code, after.json()["error_description"]) == (
        200,
        401,
        "the access token expired",
    )


async def test_timesheets_refuse_a_token_of_a_revoked_grant(client: httpx.AsyncClient, connect: Connect) -> None:
    token = await connect("acme")
    await client.post("/_control/revoke", json={"account": "acme"})

    answer = await timesheets(client, token)

    assert (answer.status_code, answer.json()["error_description"]) == (401, "the grant was revoked")
