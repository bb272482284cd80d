"""The app's client to the time-tracking provider, against respx: requests as the provider expects, errors as codes."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date

import httpx
import pytest
import respx

from fakes.reports.timetracking import TimeEntry, TimetrackingClient, TokenGrant
from tests.fakes.kit.provider_calls import BASE, error_of

pytestmark = pytest.mark.anyio


@pytest.fixture
async def timetracking() -> AsyncIterator[TimetrackingClient]:
    async with httpx.AsyncClient(base_url=BASE, timeout=0.5) as http:
        yield TimetrackingClient(http, "drillbit-app", lambda: "cs_current")


@respx.mock(base_url=BASE)
async def test_refresh_posts_the_form_with_client_credentials(
    respx_mock: respx.MockRouter, timetracking: TimetrackingClient
) -> None:
    route = respx_mock.post("/oauth/token").respond(
        200, json={"access_token": "at", "refresh_token": "rt2", "expires_in": 3600, "token_type": "Bearer"}
    )
    grant = await timetracking.refresh("rt1")
    form = dict(httpx.QueryParams(route.calls.last.request.content.decode()))
    assert (grant, form) == (
        TokenGrant("at", "rt2", 3600.0),
        {
            "grant_type": "refresh_token",
            "refresh_token": "rt1",
            "client_id": "drillbit-app",
            "client_secret": "cs_current",
        },
    )


@respx.mock(base_url=BASE)
async def test_authorize_answers_the_code(respx_mock: respx.MockRouter, timetracking: TimetrackingClient) -> None:
    route = respx_mock.post("/oauth/authorize").respond(200, json={"code": "code_1"})
    code = await timetracking.authorize("acme-1")
    assert (code, route.calls.last.request.read()) == ("code_1", b'{"client_id":"drillbit-app","account":"acme-1"}')


@pytest.mark.parametrize(
    ("status", "body", "headers", "expected"),
    [
        (401, {"error": "invalid_client"}, {}, ("invalid_client", 401, None)),
        (400, {"error": "invalid_grant"}, {}, ("invalid_grant", 400, None)),
        (503, {"error": "service_unavailable"}, {}, ("http_503", 503, None)),
        (429, {"error": "rate_limited"}, {"Retry-After": "3"}, ("rate_limited", 429, 3.0)),
        (400, "not json", {}, ("http_400", 400, None)),
    ],
)
@respx.mock(base_url=BASE)
async def test_token_errors_become_codes(
    respx_mock: respx.MockRouter,
    timetracking: TimetrackingClient,
    status: int,
    body: object,
    headers: dict[str, str],
    expected: tuple[str, int | None, float | None],
) -> None:
    content = {"json": body} if isinstance(body, dict) else {"text": str(body)}
    respx_mock.post("/oauth/token").respond(status, headers=headers, **content)  # type: ignore[arg-type]
    assert await error_of(timetracking.refresh("rt")) == expected


@pytest.mark.parametrize(
    ("side_effect", "code"), [(httpx.ConnectTimeout("slow"), "timeout"), (httpx.ConnectError("refused"), "unreachable")]
)
@respx.mock(base_url=BASE)
async def test_no_answer_becomes_timeout_or_unreachable(
    respx_mock: respx.MockRouter, timetracking: TimetrackingClient, side_effect: Exception, code: str
) -> None:
    respx_mock.post("/oauth/token").mock(side_effect=side_effect)
    assert await error_of(timetracking.refresh("rt")) == (code, None, None)


@respx.mock(base_url=BASE)
async def test_malformed_grant_is_an_error(respx_mock: respx.MockRouter, timetracking: TimetrackingClient) -> None:
    respx_mock.post("/oauth/token").respond(200, json={"access_token": "at"})
    assert await error_of(timetracking.exchange_code("code")) == ("malformed_response", 200, None)


@respx.mock(base_url=BASE)
async def test_timesheets_sends_the_bearer_and_the_dates(
    respx_mock: respx.MockRouter, timetracking: TimetrackingClient
) -> None:
    entry = {"id": "e1", "date": "2026-01-05", "project": "Apollo", "hours": 2.5}
    route = respx_mock.get("/api/v1/timesheets").respond(200, json={"account": "a", "entries": [entry]})
    entries = await timetracking.timesheets("at_1", date(2026, 1, 4), date(2026, 1, 5))
    request = route.calls.last.request
    assert (entries, request.headers["Authorization"], dict(request.url.params)) == (
        [TimeEntry("e1", "2026-01-05", "Apollo", 2.5)],
        "Bearer at_1",
        {"from": "2026-01-04", "to": "2026-01-05"},
    )
