"""The mail provider as a real process, over real HTTP."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager

import httpx
import pytest

RunFake = Callable[[str, dict[str, str]], AbstractContextManager[str]]
REPORT = {"from": "reports@drillbit.test", "to": "owner@acme.test", "subject": "Weekly report", "text": "12.5 h"}


@pytest.mark.world
def test_mail_process_delivers_a_retried_report_exactly_once_and_refuses_a_rotated_key(run_fake: RunFake) -> None:
    headers = {"Authorization": "Bearer key-1", "Idempotency-Key": "report-acme-1"}
    with (
        run_fake("fakes.providers.mail", {"MAIL_API_KEY": "key-1"}) as base_url,
        httpx.Client(base_url=base_url, timeout=5.0) as client,
    ):
        sends = [client.post("/v1/messages", json=REPORT, headers=headers).status_code for _ in range(2)]
        client.post("/_control/rotate-credential", json={"api_key": "key-2"})
        refused = client.post("/v1/messages", json=REPORT, headers={"Authorization": "Bearer key-1"})
        mailbox = client.get("/v1/mailbox", params={"to": "owner@acme.test"}).json()

    assert (sends, refused.status_code, len(mailbox["messages"])) == ([202, 200], 401, 1)


@pytest.mark.world
def test_mail_process_refuses_a_body_too_large_or_too_deep_with_400_and_logs_no_traceback(
    run_fake: RunFake, capfd: pytest.CaptureFixture[str]
) -> None:
    headers = {"Authorization": "Bearer key-1", "Content-Type": "application/json"}
    with (
        run_fake("fakes.providers.mail", {"MAIL_API_KEY": "key-1"}) as base_url,
        httpx.Client(base_url=base_url, timeout=5.0, headers=headers) as client,
    ):
        deep = client.post("/v1/messages", content=b"[" * 100_000 + b"]" * 100_000)
        large = client.post("/v1/messages", json={**REPORT, "text": "x" * 1024 * 1024})
        mailbox = client.get("/v1/mailbox").json()

    assert [(answer.status_code, answer.json()["error"]) for answer in (deep, large)] == [
        (400, "invalid_request"),
        (400, "invalid_request"),
    ]
    assert (mailbox, "Traceback" in capfd.readouterr().err) == ({"messages": []}, False)
