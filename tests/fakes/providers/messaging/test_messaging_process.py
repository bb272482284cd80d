"""The messaging provider as a real process, over real HTTP."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager

import httpx
import pytest

RunFake = Callable[[str, dict[str, str]], AbstractContextManager[str]]


@pytest.mark.world
def test_messaging_process_rate_limits_then_accepts(run_fake: RunFake) -> None:
    headers = {"Authorization": "Bearer key-1"}
    message = {"to": "+15550100", "body": "hello"}
    fake = run_fake("fakes.providers.messaging", {"MESSAGING_API_KEY": "key-1"})
    with fake as base_url, httpx.Client(base_url=base_url, timeout=5.0) as client:
        client.post("/_control/rate-limit", json={"retry_after_seconds": 5, "count": 1})
        limited = client.post("/v1/messages", json=message, headers=headers)
        accepted = client.post("/v1/messages", json=message, headers=headers)
        listing = client.get("/v1/messages").json()

    assert (limited.status_code, limited.headers["Retry-After"], accepted.status_code) == (429, "5", 202)
    assert [entry["body"] for entry in listing["messages"]] == ["hello"]
