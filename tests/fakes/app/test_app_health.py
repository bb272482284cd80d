"""Health and readiness of the app, against real Postgres and Redis."""

from __future__ import annotations

import pytest
from appworld import RunningApp

pytestmark = pytest.mark.anyio


async def test_health_reports_database_and_cache_ok(app: RunningApp) -> None:
    answer = await app.client.get("/api/v1/health")
    assert (answer.status_code, answer.json()) == (
        200,
        {"status": "ok", "version": "1.0.0", "checks": {"db": {"status": "ok"}, "cache": {"status": "ok"}}},
    )


async def test_ready_answers_200_with_a_connection_to_lend(app: RunningApp) -> None:
    answer = await app.client.get("/api/v1/ready")
    assert (answer.status_code, answer.json()) == (200, {"status": "ready"})
