"""The time-tracking provider as a real process, over real HTTP."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager

import httpx
import pytest

RunFake = Callable[[str, dict[str, str]], AbstractContextManager[str]]


@pytest.mark.world
def test_timetracking_process_connects_refreshes_and_fails_after_secret_rotation(run_fake: RunFake) -> None:
    fake = run_fake("fakes.providers.timetracking", {"TIMETRACKING_CLIENT_SECRET": "s3cret"})
    with fake as base_url, httpx.Client(base_url=base_url, timeout=5.0) as client:
        code = client.post("/oauth/authorize", json={"client_id": "drillbit-app", "account": "acme"}).json()
        form = {"grant_type": "authorization_code", "code": code["code"]}
        token = client.post("/oauth/token", data=form, auth=("drillbit-app", "s3cret")).json()
        client.post("/_control/rotate-client-secret", json={"client_secret": "next"})
        refresh = {"grant_type": "refresh_token", "refresh_token": token["refresh_token"]}
        refused = client.post("/oauth/token", data=refresh, auth=("drillbit-app", "s3cret"))
        state = client.get("/_control/state").json()

    assert (refused.status_code, refused.json()["error"]) == (401, "invalid_client")
    assert (state["client_secret"], state["token_requests"]["issued"], state["token_requests"]["invalid_client"]) == (
        "next",
        1,
        1,
    )
