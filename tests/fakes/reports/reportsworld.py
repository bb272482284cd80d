"""The scheduled-report app's test world: the kit's (``tests.fakes.kit.appworld``), with the app's settings and the
calls its tests make (a scheduler's tick, the fleet page)."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import replace
from typing import Any

import httpx

from fakes.reports.config import Settings
from fakes.reports.main import create_app
from fakes.reports.state import AppState, build_state
from tests.fakes.kit.appworld import ADMIN, ADMIN_KEY, CLIENT_SECRET, MAIL_KEY, RunningApp, launcher

SCHEDULER_SECRET = "scheduler-shared-secret"


def settings_for(**overrides: Any) -> Settings:
    """The test world's settings; ``database_url`` and ``redis_url`` are required."""
    base = Settings(
        database_url="",
        redis_url="",
        timetracking_url="http://timetracking",
        timetracking_client_id="drillbit-app",
        timetracking_client_secret=CLIENT_SECRET,
        mail_url="http://mail",
        mail_api_key=MAIL_KEY,
        scheduler_secret=SCHEDULER_SECRET,
        admin_api_key=ADMIN_KEY,
        tenant_count=3,
        db_pool_size=4,
    )
    return replace(base, **overrides)


class ReportsApp(RunningApp[AppState]):
    """The app after start-up, and the calls its tests make."""

    async def tick(self, slot: str, secret: str = SCHEDULER_SECRET) -> httpx.Response:
        return await self.client.post(
            "/api/v1/internal/run-due-reports", json={"slot": slot}, headers={"X-Scheduler-Secret": secret}
        )

    async def emails(self) -> list[str]:
        rows = await self.state.db.fetch_all("SELECT email FROM tenants ORDER BY id")
        return [row["email"] for row in rows]

    async def fleet(self) -> dict[str, Any]:
        answer = await self.client.get("/api/v1/admin/fleet-health", headers=ADMIN)
        answer.raise_for_status()
        body: dict[str, Any] = answer.json()
        return body


running = launcher(ReportsApp, build_state, create_app)
"""The app started with its settings and the providers in-process, served in-process, then stopped."""

StartApp = Callable[..., AbstractAsyncContextManager[ReportsApp]]
