"""OAuth 2 at the time-tracking provider: codes, token pairs, rotation, client authentication, revocation."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from unittest.mock import ANY

import httpx
import pytest

from fakes.kit.clock import ManualWall
from fakes.providers.timetracking import TimetrackingState

pytestmark = pytest.mark.anyio

CLIENT_ID = "drillbit-app"
SECRET = "s3cret"
TOKEN_PAIR = {"access_token": ANY, "token_type": "Bearer", "expires_in": 3600, "refresh_token": ANY, "scope": ANY}
Connect = Callable[[str], Awaitable[dict[str, object]]]


def refresh_form(token: dict[str, object], secret: str = SECRET) -> dict[str, str]:
    return {
        "grant_type": "refresh_token",
        "refresh_token": str(token["refresh_token"]),
        "client_id": CLIENT_ID,
        "client_secret": secret,
    }


async def authorize(client: httpx.AsyncClient, **extra: str) -> str:
    answer = await client.post("/oauth/authorize", json={"client_id": CLIENT_ID, "account": "acme", **extra})
    code: str = answer.json()["code"]
    return code


async def test_authorize_answers_a_code_and_echoes_the_state(client: httpx.AsyncClient) -> None:
    body = {"client_id": CLIENT_ID, "account": "acme", "state": "xyz"}

    answer = await client.post("/oauth/authorize", json=body)

    assert (answer.status_code, answer.json()) == (200, {"code": ANY, "state": "xyz"})


async def test_authorize_refuses_an_unknown_client(client: httpx.AsyncClient) -> None:
    answer = await client.post("/oauth/authorize", json={"client_id": "someone", "account": "acme"})

    assert (answer.status_code, answer.json()) == (
        400,
        {"error": "invalid_request", "error_description": "unknown client_id 'someone'"},
    )


async def test_token_exchanges_a_code_for_a_token_pair(client: httpx.AsyncClient) -> None:
    form = {"grant_type": "authorization_code", "code": await authorize(client)}

    answer = await client.post("/oauth/token", data=form, auth=(CLIENT_ID, SECRET))

    assert (answer.status_code, answer.json()) == (200, {**TOKEN_PAIR, "scope": "timesheets:read"})
    assert answer.headers["Cache-Control"] == "no-store"


async def test_token_accepts_client_credentials_in_the_form(client: httpx.AsyncClient) -> None:
    code = await authorize(client)
    form = {"grant_type": "authorization_code", "code": code, "client_id": CLIENT_ID, "client_secret": SECRET}

    answer = await client.post("/oauth/token", data=form)

    assert (answer.status_code, answer.json()) == (200, TOKEN_PAIR)


async def test_token_refuses_a_wrong_secret_as_invalid_client(client: httpx.AsyncClient) -> None:
    form = {"grant_type": "authorization_code", "code": await authorize(client)}

    answer = await client.post("/oauth/token", data=form, auth=(CLIENT_ID, "wrong"))

    assert (answer.status_code, answer.json()["error"]) == (401, "invalid_client")
    assert answer.headers["WWW-Authenticate"] == 'Basic realm="timetracking"'


async def test_token_refuses_two_client_authentication_methods(client: httpx.AsyncClient) -> None:
    form = {"grant_type": "authorization_code", "code": await authorize(client), "client_secret": SECRET}

    answer = await client.post("/oauth/token", data=form, auth=(CLIENT_ID, SECRET))

    assert (answer.status_code, answer.json()["error"]) == (400, "invalid_request")


async def test_token_refuses_a_json_body(client: httpx.AsyncClient) -> None:
    body = {"grant_type": "authorization_code", "code": await authorize(client)}

    answer = await client.post("/oauth/token", json=body, auth=(CLIENT_ID, SECRET))

    assert (answer.status_code, answer.json()) == (
        400,
        {"error": "invalid_request", "error_description": "the body must be application/x-www-form-urlencoded"},
    )


async def test_token_refuses_an_unsupported_grant_type(client: httpx.AsyncClient) -> None:
    answer = await client.post("/oauth/token", data={"grant_type": "password"}, auth=(CLIENT_ID, SECRET))

    assert (answer.status_code, answer.json()["error"]) == (400, "unsupported_grant_type")


async def test_token_refuses_a_code_used_twice(client: httpx.AsyncClient) -> None:
    form = {"grant_type": "authorization_code", "code": await authorize(client)}
    await client.post("/oauth/token", data=form, auth=(CLIENT_ID, SECRET))

    again = await client.post("/oauth/token", data=form, auth=(CLIENT_ID, SECRET))

    assert (again.status_code, again.json()["error"]) == (400, "invalid_grant")


async def test_token_refuses_a_code_after_ten_scenario_minutes(client: httpx.AsyncClient, wall: ManualWall) -> None:
    form = {"grant_type": "authorization_code", "code": await authorize(client)}
    wall.advance(600)

    answer = await client.post("/oauth/token", data=form, auth=(CLIENT_ID, SECRET))

    assert (answer.status_code, answer.json()["error"]) == (400, "invalid_grant")


async def test_token_refuses_a_redirect_uri_that_does_not_match(client: httpx.AsyncClient) -> None:
    code = await authorize(client, redirect_uri="https://app.test/callback")
    form = {"grant_type": "authorization_code", "code": code, "redirect_uri": "https://evil.test/"}

    answer = await client.post("/oauth/token", data=form, auth=(CLIENT_ID, SECRET))

    assert (answer.status_code, answer.json()["error"]) == (400, "invalid_grant")


async def test_refresh_answers_a_new_pair(client: httpx.AsyncClient, connect: Connect) -> None:
    token = await connect("acme")

    answer = await client.post("/oauth/token", data=refresh_form(token))

    assert (answer.status_code, answer.json()) == (200, TOKEN_PAIR)
    assert answer.json()["refresh_token"] != token["refresh_token"]


async def test_refresh_rotation_retires_the_old_refresh_token(client: httpx.AsyncClient, connect: Connect) -> None:
    token = await connect("acme")
    await client.post("/oauth/token", data=refresh_form(token))

    again = await client.post("/oauth/token", data=refresh_form(token))

    assert (again.status_code, again.json()) == (
        400,
        {"error": "invalid_grant", "error_description": "the refresh token is unknown, already used or expired"},
    )


async def test_refresh_fails_with_invalid_client_after_the_secret_is_rotated(
    client: httpx.AsyncClient, connect: Connect
) -> None:
    token = await connect("acme")
    await client.post("/_control/rotate-client-secret", json={"client_secret": "next"})

    old_secret = await client.post("/oauth/token", data=refresh_form(token))
    new_secret = await client.post("/oauth/token", data=refresh_form(token, secret="next"))

    assert (old_secret.status_code, old_secret.json()["error"]) == (401, "invalid_client")
    assert (new_secret.status_code, new_secret.json()) == (200, TOKEN_PAIR)


async def test_refresh_token_expires_after_its_lifetime(
    client: httpx.AsyncClient, connect: Connect, wall: ManualWall
) -> None:
    token = await connect("acme")
    wall.advance(86400)

    answer = await client.post("/oauth/token", data=refresh_form(token))

    assert (answer.status_code, answer.json()["error"]) == (400, "invalid_grant")


async def test_refresh_fails_with_invalid_grant_after_revocation(client: httpx.AsyncClient, connect: Connect) -> None:
    token = await connect("acme")
    await client.post("/_control/revoke", json={"account": "acme"})

    answer = await client.post("/oauth/token", data=refresh_form(token))

    assert (answer.status_code, answer.json()) == (
        400,
        {"error": "invalid_grant", "error_description": "the grant was revoked"},
    )


async def test_revoke_leaves_other_accounts_alone(client: httpx.AsyncClient, connect: Connect) -> None:
    await connect("acme")
    other = await connect("globex")
    await client.post("/_control/revoke", json={"account": "acme"})

    answer = await client.post("/oauth/token", data=refresh_form(other))

    assert answer.status_code == 200


async def test_reauthorizing_after_revocation_connects_again(client: httpx.AsyncClient, connect: Connect) -> None:
    await connect("acme")
    await client.post("/_control/revoke", json={"account": "acme"})

    token = await connect("acme")
    answer = await client.post("/oauth/token", data=refresh_form(token))

    assert answer.status_code == 200


async def test_revoke_answers_404_for_an_account_that_never_authorized(client: httpx.AsyncClient) -> None:
    answer = await client.post("/_control/revoke", json={"account": "nobody"})

    assert (answer.status_code, answer.json()) == (
        404,
        {"error": "unknown_account", "error_description": "'nobody' never authorized the app"},
    )


async def test_rotate_client_secret_makes_one_up_when_not_given(
    client: httpx.AsyncClient, state: TimetrackingState
) -> None:
    answer = await client.post("/_control/rotate-client-secret")

    assert answer.json() == {"client_secret": state.oauth.secret.current}
    assert (state.oauth.secret.current[:3], state.oauth.secret.retired) == ("cs_", [SECRET])


async def test_fail_answers_503_on_token_requests_for_a_count_then_recovers(
    client: httpx.AsyncClient, connect: Connect
) -> None:
    token = await connect("acme")
    await client.post("/_control/fail", json={"status": 503, "paths": ["/oauth/token"], "count": 2})

    answers = [await client.post("/oauth/token", data=refresh_form(token)) for _ in range(3)]

    assert [answer.status_code for answer in answers] == [503, 503, 200]
    assert answers[0].json() == {"error": "service_unavailable"}


async def test_fail_for_a_scenario_duration_ends_on_its_own(
    client: httpx.AsyncClient, connect: Connect, wall: ManualWall
) -> None:
    token = await connect("acme")
    await client.post("/_control/fail", json={"status": 503, "paths": ["/oauth/token"], "for_seconds": 300})

    during = await client.post("/oauth/token", data=refresh_form(token))
    wall.advance(300)
    after = await client.post("/oauth/token", data=refresh_form(token))

    assert (during.status_code, after.status_code) == (503, 200)


async def test_fail_refuses_a_path_the_provider_does_not_serve(client: httpx.AsyncClient) -> None:
    answer = await client.post("/_control/fail", json={"status": 503, "paths": ["/nope"]})

    assert (answer.status_code, answer.json()["error"]) == (422, "invalid_fault")


async def test_reset_clears_faults_and_keeps_accounts_and_secret(client: httpx.AsyncClient, connect: Connect) -> None:
    token = await connect("acme")
    await client.post("/_control/rotate-client-secret", json={"client_secret": "next"})
    await client.post("/_control/fail", json={"status": 503})

    await client.post("/_control/reset")
    answer = await client.post("/oauth/token", data=refresh_form(token, secret="next"))

    assert answer.status_code == 200


async def test_state_shows_client_accounts_token_outcomes_and_faults(
    client: httpx.AsyncClient, connect: Connect
) -> None:
    token = await connect("acme")
    await connect("globex")
    await client.post("/_control/revoke", json={"account": "globex"})
    await client.post("/oauth/token", data=refresh_form(token, secret="wrong"))
    await client.post("/_control/fail", json={"status": 503, "paths": ["/oauth/token"], "count": 1})
    await client.post("/oauth/token", data=refresh_form(token))

    answer = await client.get("/_control/state")

    accounts = [
        {"account": name, "grant": grant, "scope": "timesheets:read", "authorized_at": "2023-11-14T22:13:20Z"}
        for name, grant in (("acme", "active"), ("globex", "revoked"))
    ]
    assert answer.json() == {
        "client_id": CLIENT_ID,
        "client_secret": SECRET,
        "accounts": [{**account, "tokens_issued": 1} for account in accounts],
        "token_requests": {
            "issued": 2,
            "invalid_client": 1,
            "invalid_grant": 0,
            "invalid_request": 0,
            "unsupported_grant_type": 0,
        },
        "faults": {"failure": None, "rate_limit": None, "refused": {"503": 1}},
    }
