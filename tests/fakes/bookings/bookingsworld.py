"""The booking app's test world: the kit's (``tests.fakes.kit.appworld``), with the app's settings and the call its
tests make most (a booking request)."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import replace
from typing import Any

import httpx

from fakes.bookings.config import Settings
from fakes.bookings.main import create_app
from fakes.bookings.state import AppState, build_state
from tests.fakes.kit.appworld import MAIL_KEY, RunningApp, launcher

# Every booking the tests make starts after the test world's clock (2026-01-05 09:00 UTC).
MONDAY_TEN = "2026-01-12T10:00:00Z"


def settings_for(**overrides: Any) -> Settings:
    """The test world's settings: five customers; ``database_url`` and ``redis_url`` are required."""
    base = Settings(
        database_url="", redis_url="", mail_url="http://mail", mail_api_key=MAIL_KEY, customer_count=5, db_pool_size=4
    )
    return replace(base, **overrides)


class BookingsApp(RunningApp[AppState]):
    """The app after start-up, and the calls its tests make."""

    async def book(
        self, key: str | None, customer_id: int = 1, service_id: int = 1, starts_at: str = MONDAY_TEN
    ) -> httpx.Response:
        body = {"customer_id": customer_id, "service_id": service_id, "starts_at": starts_at}
        headers = {} if key is None else {"Idempotency-Key": key}
        return await self.client.post("/api/v1/bookings", json=body, headers=headers)

    async def booked(self) -> int:
        """How many bookings the database holds."""
        row = await self.state.db.fetch_one("SELECT count(*) AS n FROM bookings")
        return 0 if row is None else int(row["n"])


running = launcher(BookingsApp, build_state, create_app)
"""The app started with its settings and the mail provider in-process, served in-process, then stopped."""

StartApp = Callable[..., AbstractAsyncContextManager[BookingsApp]]
