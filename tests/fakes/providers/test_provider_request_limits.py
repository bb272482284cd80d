"""Every provider answers a body too large or nested too deep with 400 in its own error shape, never a 500."""

from __future__ import annotations

import json
from collections.abc import Callable

import httpx
import pytest
from starlette.applications import Starlette

from fakes.kit.clock import ScaledClock
from fakes.providers.mail import create_app as mail_app
from fakes.providers.mail import mail_state
from fakes.providers.messaging import create_app as messaging_app
from fakes.providers.messaging import messaging_state
from fakes.providers.timetracking import create_app as timetracking_app
from fakes.providers.timetracking import timetracking_state

pytestmark = pytest.mark.anyio

MIB = 1024 * 1024
TOO_LARGE = "the body is larger than 1048576 bytes"
TOO_DEEP = "the body nests arrays and objects deeper than 64 levels"
DEEP = b"[" * 100_000 + b"]" * 100_000
REPORT = {"from": "reports@drillbit.test", "to": "owner@acme.test", "subject": "Weekly report"}

# Each provider's app, the endpoint that reads a JSON body, and a valid body that is just too large.
PROVIDERS: dict[str, tuple[Callable[[ScaledClock], Starlette], str, dict[str, object]]] = {
    "mail": (lambda clock: mail_app(mail_state("key-1", clock)), "/v1/messages", {**REPORT, "text": "x" * MIB}),
    "messaging": (
        lambda clock: messaging_app(messaging_state("key-1", clock)),
        "/v1/messages",
        {"to": "+15550000000", "body": "x" * MIB},
    ),
    "timetracking": (
        lambda clock: timetracking_app(timetracking_state("s3cret", clock)),
        "/oauth/authorize",
        {"client_id": "drillbit-app", "account": "acme", "state": "x" * MIB},
    ),
}


async def post(app: Starlette, path: str, content: bytes) -> httpx.Response:
    transport = httpx.ASGITransport(app=app)
    headers = {"Authorization": "Bearer key-1", "Content-Type": "application/json"}
    async with httpx.AsyncClient(transport=transport, base_url="http://provider") as client:
        return await client.post(path, content=content, headers=headers)


@pytest.mark.parametrize("provider", sorted(PROVIDERS))
async def test_provider_refuses_a_body_nested_too_deep_with_400(provider: str, clock: ScaledClock) -> None:
    build, path, _ = PROVIDERS[provider]

    answer = await post(build(clock), path, DEEP)

    assert (answer.status_code, answer.json()) == (400, {"error": "invalid_request", "error_description": TOO_DEEP})


@pytest.mark.parametrize("provider", sorted(PROVIDERS))
async def test_provider_refuses_a_body_over_1_mib_with_400(provider: str, clock: ScaledClock) -> None:
    build, path, body = PROVIDERS[provider]

    answer = await post(build(clock), path, json.dumps(body).encode())

    assert (answer.status_code, answer.json()) == (400, {"error": "invalid_request", "error_description": TOO_LARGE})
