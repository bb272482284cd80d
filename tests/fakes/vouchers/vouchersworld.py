"""The voucher app's test world: the kit's (``tests.fakes.kit.appworld``), with the app's settings and the calls
its tests make (creating and reading a campaign)."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import replace
from typing import Any

from fakes.vouchers.config import Settings
from fakes.vouchers.main import create_app
from fakes.vouchers.state import AppState, build_state
from tests.fakes.kit.appworld import ADMIN, ADMIN_KEY, MESSAGING_KEY, RunningApp, launcher


def settings_for(**overrides: Any) -> Settings:
    """The test world's settings; ``database_url`` and ``redis_url`` are required."""
    base = Settings(
        database_url="",
        redis_url="",
        messaging_url="http://messaging",
        messaging_api_key=MESSAGING_KEY,
        admin_api_key=ADMIN_KEY,
        db_pool_size=4,
    )
    return replace(base, **overrides)


class VouchersApp(RunningApp[AppState]):
    """The app after start-up, and the calls its tests make."""

    async def create_campaign(self, targets: int, start: bool = True, name: str = "spring-vouchers") -> dict[str, Any]:
        body = {"name": name, "body": "Your voucher: SPRING-10", "targets": targets, "start": start}
        answer = await self.client.post("/api/v1/admin/campaigns", json=body, headers=ADMIN)
        answer.raise_for_status()
        created: dict[str, Any] = answer.json()
        return created

    async def campaign(self, campaign_id: int) -> dict[str, Any]:
        answer = await self.client.get(f"/api/v1/admin/campaigns/{campaign_id}", headers=ADMIN)
        answer.raise_for_status()
        found: dict[str, Any] = answer.json()
        return found


running = launcher(VouchersApp, build_state, create_app)
"""The app started with its settings and the providers in-process, served in-process, then stopped."""

StartApp = Callable[..., AbstractAsyncContextManager[VouchersApp]]
