"""Sending messages: 202 accepted, 429 with Retry-After, 5xx on demand, idempotency keys, the listing, the account."""

from __future__ import annotations

from unittest.mock import ANY

import httpx
import pytest

from fakes.kit.clock import ManualWall

pytestmark = pytest.mark.anyio

MESSAGE = {"to": "+15550100", "body": "Your voucher: SPRING-10"}


async def send(
    client: httpx.AsyncClient, message: dict[str, str] = MESSAGE, key: str = "key-1", **headers: str
) -> httpx.Response:
    return await client.post("/v1/messages", json=message, headers={"Authorization": f"Bearer {key}", **headers})


async def test_messaging_send_accepts_and_lists_the_message(client: httpx.AsyncClient) -> None:
    answer = await send(client)

    listing = await client.get("/v1/messages", params={"to": "+15550100"})
    assert (answer.status_code, answer.json()) == (202, {"id": ANY, "status": "accepted"})
    assert listing.json() == {
        "messages": [{"id": answer.json()["id"], **MESSAGE, "accepted_at": "2023-11-14T22:13:20Z"}]
    }


async def test_messaging_send_refuses_a_bad_key(client: httpx.AsyncClient) -> None:
    answer = await send(client, key="guess")

    assert (answer.status_code, answer.json()["error"]) == (401, "invalid_credential")


async def test_messaging_send_refuses_a_body_over_1600_characters(client: httpx.AsyncClient) -> None:
    answer = await send(client, message={"to": "+15550100", "body": "x" * 1601})

    assert (answer.status_code, answer.json()) == (
        422,
        {"error": "invalid_message", "error_description": "body must be at most 1600 characters, not 1601"},
    )


async def test_messaging_send_with_a_used_idempotency_key_accepts_nothing_new(client: httpx.AsyncClient) -> None:
    first = await send(client, **{"Idempotency-Key": "campaign-7-target-3"})
    again = await send(client, **{"Idempotency-Key": "campaign-7-target-3"})

    listing = await client.get("/v1/messages")
    assert (again.status_code, again.json()) == (200, first.json())
    assert len(listing.json()["messages"]) == 1


async def test_messaging_rate_limit_answers_429_with_retry_after(client: httpx.AsyncClient) -> None:
    await client.post("/_control/rate-limit", json={"retry_after_seconds": 20})

    answer = await send(client)

    assert (answer.status_code, answer.headers["Retry-After"], answer.json()) == (
        429,
        "20",
        {"error": "rate_limited", "retry_after": 20},
    )


async def test_messaging_rate_limit_with_a_limit_accepts_again_after_retry_after(
    client: httpx.AsyncClient, wall: ManualWall
) -> None:
    await client.post("/_control/rate-limit", json={"retry_after_seconds": 60, "limit": 1})

    first, second = await send(client), await send(client)
    wall.advance(float(second.headers["Retry-After"]))
    third = await send(client)

    assert [answer.status_code for answer in (first, second, third)] == [202, 429, 202]


async def test_messaging_fail_answers_5xx_until_reset(client: httpx.AsyncClient) -> None:
    await client.post("/_control/fail", json={"status": 502})

    failing = [(await send(client)).status_code for _ in range(2)]
    await client.post("/_control/reset")
    recovered = await send(client)

    assert (failing, recovered.status_code) == ([502, 502], 202)


async def test_messaging_state_counts_sends_and_refusals(client: httpx.AsyncClient) -> None:
    await send(client)
    await client.post("/_control/fail", json={"status": 503, "count": 1})
    await send(client)

    answer = await client.get("/_control/state")

    assert answer.json() == {
        "api_key": "key-1",
        "retired_keys": 0,
        "messages": 1,
        "idempotency_keys": 0,
        "sends": {"accepted": 1, "replayed": 0, "invalid_credential": 0, "invalid_message": 0},
        "faults": {"failure": None, "rate_limit": None, "refused": {"503": 1}},
        "max_messages_per_recipient": 1,
    }


async def test_messaging_state_max_messages_per_recipient_is_zero_before_any_send(client: httpx.AsyncClient) -> None:
    answer = await client.get("/_control/state")

    assert answer.json()["max_messages_per_recipient"] == 0


async def test_messaging_state_max_messages_per_recipient_counts_the_busiest_recipient(
    client: httpx.AsyncClient,
) -> None:
    for to in ("+15550100", "+15550101", "+15550101"):
        await send(client, message={"to": to, "body": "hello"})
    for _ in range(3):
        await send(client, message={"to": "+15550102", "body": "once"}, **{"Idempotency-Key": "replayed"})

    answer = await client.get("/_control/state")

    assert (answer.json()["messages"], answer.json()["max_messages_per_recipient"]) == (4, 2)


async def test_messaging_quiet_rate_limit_refuses_a_client_that_keeps_honouring_retry_after(
    client: httpx.AsyncClient, wall: ManualWall
) -> None:
    await client.post("/_control/rate-limit", json={"retry_after_seconds": 60, "lifts_after_quiet_seconds": 600})

    statuses = []
    for _ in range(15):
        answer = await send(client)
        statuses.append(answer.status_code)
        wall.advance(float(answer.headers["Retry-After"]))

    assert statuses == [429] * 15


async def test_messaging_quiet_rate_limit_accepts_once_the_account_was_quiet(
    client: httpx.AsyncClient, wall: ManualWall
) -> None:
    await client.post("/_control/rate-limit", json={"retry_after_seconds": 60, "lifts_after_quiet_seconds": 600})

    refused = await send(client)
    wall.advance(600)
    accepted = await send(client)

    assert (refused.status_code, accepted.status_code) == (429, 202)


async def test_messaging_account_shows_the_block_and_when_it_lifts(client: httpx.AsyncClient, wall: ManualWall) -> None:
    before = (await client.get("/v1/account")).json()
    await client.post("/_control/rate-limit", json={"retry_after_seconds": 60, "lifts_after_quiet_seconds": 600})
    wall.advance(120)
    await send(client)
    blocked = (await client.get("/v1/account")).json()
    wall.advance(600)
    lifted = (await client.get("/v1/account")).json()

    assert before == {"sending": "ok", "rate_limit": None}
    assert blocked == {
        "sending": "rate_limited",
        "rate_limit": {
            "retry_after_seconds": 60.0,
            "limit": None,
            "paths": ["/v1/messages"],
            "until": None,
            "remaining": None,
            "lifts_after_quiet_seconds": 600.0,
            "quiet_since": "2023-11-14T22:15:20Z",
            "lifts_at": "2023-11-14T22:25:20Z",
        },
    }
    assert lifted == {"sending": "ok", "rate_limit": None}


async def test_messaging_account_shows_a_failing_provider(client: httpx.AsyncClient) -> None:
    await client.post("/_control/fail", json={"status": 503})

    answer = await client.get("/v1/account")

    assert (answer.status_code, answer.json()) == (200, {"sending": "failing", "rate_limit": None})


async def test_messaging_rate_limit_refuses_a_quiet_period_with_a_limit(client: httpx.AsyncClient) -> None:
    body = {"retry_after_seconds": 60, "limit": 5, "lifts_after_quiet_seconds": 600}

    answer = await client.post("/_control/rate-limit", json=body)

    assert (answer.status_code, answer.json()) == (
        422,
        {
            "error": "invalid_fault",
            "error_description": "lifts_after_quiet_seconds refuses every request: it cannot be given with a limit",
        },
    )
