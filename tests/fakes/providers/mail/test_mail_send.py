"""Sending mail: the credential, idempotency keys, rate limits and failures, and the mailbox."""

from __future__ import annotations

from unittest.mock import ANY

import httpx
import pytest

from fakes.kit.clock import ManualWall
from fakes.providers.outbox import Outbox

pytestmark = pytest.mark.anyio

REPORT = {"from": "reports@drillbit.test", "to": "owner@acme.test", "subject": "Weekly report", "text": "12.5 h"}
DELIVERED_AT = "2023-11-14T22:13:20Z"


async def send(
    client: httpx.AsyncClient, key: str = "key-1", message: dict[str, str] = REPORT, **headers: str
) -> httpx.Response:
    return await client.post("/v1/messages", json=message, headers={"Authorization": f"Bearer {key}", **headers})


async def test_mail_send_queues_the_message_and_delivers_it(client: httpx.AsyncClient) -> None:
    answer = await send(client)

    mailbox = await client.get("/v1/mailbox", params={"to": "owner@acme.test"})
    assert (answer.status_code, answer.json()) == (202, {"id": ANY, "status": "queued"})
    assert mailbox.json() == {"messages": [{"id": answer.json()["id"], **REPORT, "delivered_at": DELIVERED_AT}]}


async def test_mail_send_refuses_an_unknown_key(client: httpx.AsyncClient) -> None:
    answer = await send(client, key="guess")

    assert (answer.status_code, answer.json()) == (
        401,
        {"error": "invalid_credential", "error_description": "the credential is not recognised"},
    )


async def test_mail_send_refuses_the_key_a_rotation_replaced_as_expired(client: httpx.AsyncClient) -> None:
    rotated = await client.post("/_control/rotate-credential", json={"api_key": "key-2"})

    old, new = await send(client, key="key-1"), await send(client, key="key-2")

    assert rotated.json() == {"api_key": "key-2"}
    assert (old.status_code, old.json()) == (
        401,
        {"error": "invalid_credential", "error_description": "the credential expired"},
    )
    assert new.status_code == 202


async def test_mail_send_with_a_used_idempotency_key_answers_the_first_id_and_delivers_once(
    client: httpx.AsyncClient,
) -> None:
    first = await send(client, **{"Idempotency-Key": "report-acme-slot-1"})
    again = await send(client, **{"Idempotency-Key": "report-acme-slot-1"})

    mailbox = await client.get("/v1/mailbox")
    assert (again.status_code, again.json()) == (200, first.json())
    assert again.headers["Idempotent-Replayed"] == "true"
    assert [message["id"] for message in mailbox.json()["messages"]] == [first.json()["id"]]


async def test_mail_idempotency_holds_across_a_credential_rotation(client: httpx.AsyncClient) -> None:
    first = await send(client, **{"Idempotency-Key": "k"})
    await client.post("/_control/rotate-credential", json={"api_key": "key-2"})

    again = await send(client, key="key-2", **{"Idempotency-Key": "k"})

    assert (again.status_code, again.json()) == (200, first.json())


async def test_mail_send_refuses_an_empty_idempotency_key(client: httpx.AsyncClient) -> None:
    answer = await send(client, **{"Idempotency-Key": " "})

    assert (answer.status_code, answer.json()) == (
        422,
        {"error": "invalid_message", "error_description": "Idempotency-Key must be 1 to 255 characters"},
    )


async def test_mail_send_refuses_a_malformed_address(client: httpx.AsyncClient) -> None:
    answer = await send(client, message={**REPORT, "to": "owner at acme"})

    assert (answer.status_code, answer.json()) == (
        422,
        {"error": "invalid_message", "error_description": "to must be an email address, not 'owner at acme'"},
    )


async def test_mail_send_refuses_a_message_without_text(client: httpx.AsyncClient) -> None:
    message = {key: value for key, value in REPORT.items() if key != "text"}

    answer = await send(client, message=message)

    assert (answer.status_code, answer.json()["error"]) == (422, "invalid_message")


async def test_mail_rate_limit_answers_429_with_retry_after_then_lets_sends_through(
    client: httpx.AsyncClient,
) -> None:
    await client.post("/_control/rate-limit", json={"retry_after_seconds": 30, "count": 1})

    limited, later = await send(client), await send(client)

    assert (limited.status_code, limited.headers["Retry-After"], limited.json()) == (
        429,
        "30",
        {"error": "rate_limited", "retry_after": 30},
    )
    assert later.status_code == 202


async def test_mail_rate_limit_for_a_duration_lifts_on_its_own(client: httpx.AsyncClient, wall: ManualWall) -> None:
    await client.post("/_control/rate-limit", json={"retry_after_seconds": 10, "for_seconds": 60})

    during = await send(client)
    wall.advance(60)
    after = await send(client)

    assert (during.status_code, after.status_code) == (429, 202)


async def test_mail_rate_limited_send_delivers_nothing(client: httpx.AsyncClient) -> None:
    await client.post("/_control/rate-limit", json={"retry_after_seconds": 30})

    await send(client, **{"Idempotency-Key": "k"})

    assert (await client.get("/v1/mailbox")).json() == {"messages": []}


async def test_mail_fail_answers_the_status_for_a_count(client: httpx.AsyncClient) -> None:
    await client.post("/_control/fail", json={"status": 500, "count": 1})

    failed, later = await send(client), await send(client)

    assert (failed.status_code, failed.json(), later.status_code) == (500, {"error": "internal_server_error"}, 202)


async def test_mail_faults_leave_the_mailbox_readable(client: httpx.AsyncClient) -> None:
    await client.post("/_control/fail", json={"status": 503})

    answer = await client.get("/v1/mailbox")

    assert (answer.status_code, answer.json()) == (200, {"messages": []})


async def test_mail_mailbox_lists_only_the_address_asked_for(client: httpx.AsyncClient) -> None:
    await send(client, message={**REPORT, "to": "a@x.test"})
    await send(client, message={**REPORT, "to": "b@x.test"})

    answer = await client.get("/v1/mailbox", params={"to": "B@x.test"})

    assert [message["to"] for message in answer.json()["messages"]] == ["b@x.test"]


async def test_mail_rate_limit_refuses_a_missing_retry_after(client: httpx.AsyncClient) -> None:
    answer = await client.post("/_control/rate-limit", json={"count": 2})

    assert (answer.status_code, answer.json()) == (
        422,
        {"error": "invalid_fault", "error_description": "retry_after_seconds is required"},
    )


async def test_mail_reset_clears_faults_and_keeps_the_mailbox(client: httpx.AsyncClient) -> None:
    await send(client)
    await client.post("/_control/fail", json={"status": 503})

    reset = await client.post("/_control/reset")
    answer = await send(client)

    assert reset.json() == {"failure": None, "rate_limit": None, "refused": {}}
    assert (answer.status_code, len((await client.get("/v1/mailbox")).json()["messages"])) == (202, 2)


async def test_mail_rotate_credential_makes_one_up_when_not_given(client: httpx.AsyncClient, state: Outbox) -> None:
    answer = await client.post("/_control/rotate-credential")

    assert answer.json() == {"api_key": state.credential.current}
    assert (state.credential.current[:3], state.credential.retired) == ("mk_", ["key-1"])


async def test_mail_state_shows_key_counts_and_faults(client: httpx.AsyncClient) -> None:
    await send(client, **{"Idempotency-Key": "k"})
    await send(client, **{"Idempotency-Key": "k"})
    await send(client, key="nope")
    await client.post("/_control/rotate-credential", json={"api_key": "key-2"})
    await client.post("/_control/rate-limit", json={"retry_after_seconds": 30, "limit": 5})

    answer = await client.get("/_control/state")

    assert answer.json() == {
        "api_key": "key-2",
        "retired_keys": 1,
        "messages": 1,
        "idempotency_keys": 1,
        "sends": {"accepted": 1, "replayed": 1, "invalid_credential": 1, "invalid_message": 0},
        "faults": {
            "failure": None,
            "rate_limit": {
                "retry_after_seconds": 30.0,
                "limit": 5,
                "paths": ["/v1/messages"],
                "until": None,
                "remaining": None,
            },
            "refused": {},
        },
    }
