"""The apps' client to the mail provider, against respx: a send as the provider expects it, errors as codes."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
import respx

from fakes.kit.mail import MailClient
from fakes.kit.providers import SentMessage
from tests.fakes.kit.provider_calls import BASE, error_of

pytestmark = pytest.mark.anyio


@pytest.fixture
async def mail() -> AsyncIterator[MailClient]:
    async with httpx.AsyncClient(base_url=BASE, timeout=0.5) as http:
        yield MailClient(http, lambda: "mk_current", "reports@drillbit.test")


@pytest.mark.parametrize(("status", "duplicate"), [(202, False), (200, True)])
@respx.mock(base_url=BASE)
async def test_mail_send_uses_the_idempotency_key(
    respx_mock: respx.MockRouter, mail: MailClient, status: int, duplicate: bool
) -> None:
    route = respx_mock.post("/v1/messages").respond(status, json={"id": "msg_1", "status": "queued"})
    sent = await mail.send("ops@acme.example", "Report", "text", "report-1-1767603600")
    request = route.calls.last.request
    assert (sent, request.headers["Idempotency-Key"], request.headers["Authorization"]) == (
        SentMessage("msg_1", duplicate),
        "report-1-1767603600",
        "Bearer mk_current",
    )


@respx.mock(base_url=BASE)
async def test_mail_expired_credential_is_invalid_credential(respx_mock: respx.MockRouter, mail: MailClient) -> None:
    respx_mock.post("/v1/messages").respond(401, json={"error": "invalid_credential"})
    assert await error_of(mail.send("a@b.example", "s", "t", "k")) == ("invalid_credential", 401, None)
