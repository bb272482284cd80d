"""A body too large or nested too deep is a 400 with a detail before any endpoint reads it, never a 500."""

from __future__ import annotations

import pytest

from tests.fakes.kit.appworld import ADMIN, CLIENT_SECRET
from tests.fakes.reports.reportsworld import SCHEDULER_SECRET, ReportsApp

pytestmark = pytest.mark.anyio

TOO_DEEP = {"error": "invalid_request", "detail": "the body nests arrays and objects deeper than 64 levels"}
TOO_LARGE = {"error": "invalid_request", "detail": "the body is larger than 1048576 bytes"}
DEEP = b"[" * 100_000 + b"]" * 100_000


@pytest.mark.parametrize(
    ("path", "headers"),
    [
        ("/api/v1/admin/provider/rotate-secret", ADMIN),
        ("/api/v1/internal/run-due-reports", {"X-Scheduler-Secret": SCHEDULER_SECRET}),
    ],
)
async def test_app_refuses_a_body_nested_too_deep_with_400(app: ReportsApp, path: str, headers: dict[str, str]) -> None:
    answer = await app.client.post(path, content=DEEP, headers={**headers, "Content-Type": "application/json"})

    assert (answer.status_code, answer.json()) == (400, TOO_DEEP)


async def test_app_refuses_a_body_over_1_mib_with_400_and_changes_nothing(app: ReportsApp) -> None:
    body = {"client_secret": "x" * 1024 * 1024}

    answer = await app.client.post("/api/v1/admin/provider/rotate-secret", json=body, headers=ADMIN)

    assert (answer.status_code, answer.json()) == (400, TOO_LARGE)
    assert app.state.credentials.timetracking_client_secret == CLIENT_SECRET
