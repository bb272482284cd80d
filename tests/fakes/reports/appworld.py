"""A small world for the app's tests: the app in-process on real Postgres and Redis, with the real provider
fakes in-process too (httpx ASGI transports), all on one hand-moved wall clock."""

from __future__ import annotations

import asyncio
import io
import json
import time
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass, field, replace
from typing import Any

import httpx

from fakes.kit.clock import ScaledClock
from fakes.providers.mail.app import create_app as mail_app
from fakes.providers.mail.app import mail_state
from fakes.providers.messaging import create_app as messaging_app
from fakes.providers.messaging import messaging_state
from fakes.providers.outbox import Outbox
from fakes.providers.timetracking.app import create_app as timetracking_app
from fakes.providers.timetracking.state import TimetrackingState, timetracking_state
from fakes.reports.config import Settings
from fakes.reports.main import create_app
from fakes.reports.state import AppState, build_state

# 2026-01-05 09:00:00 UTC, a slot boundary for every interval the tests use.
EPOCH = 1_767_603_600.0
CLIENT_SECRET = "cs_initial-secret"
MAIL_KEY = "mk_initial-key"
MESSAGING_KEY = "messaging-key"
SCHEDULER_SECRET = "scheduler-shared-secret"
ADMIN_KEY = "admin-key-for-tests"
ADMIN = {"Authorization": f"Bearer {ADMIN_KEY}"}


@dataclass
class Wall:
    """Wall time that moves only when a test says so, or on its own once a test lets it run."""

    now: float = EPOCH
    running_since: float | None = None

    def __call__(self) -> float:
        if self.running_since is None:
            return self.now
        return self.now + time.monotonic() - self.running_since

    def advance(self, seconds: float) -> None:
        self.now += seconds

    def run(self) -> None:
        """Lets time pass as it does on the wall: for a test of a loop that waits for scenario time itself."""
        self.running_since = time.monotonic()


class DelayedTransport(httpx.AsyncBaseTransport):
    """A provider that takes ``delay`` wall seconds to answer; it keeps the most requests it had in flight at once."""

    def __init__(self, inner: httpx.AsyncBaseTransport, delay: float) -> None:
        self.inner = inner
        self.delay = delay
        self.in_flight = 0
        self.peak = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.in_flight += 1
        self.peak = max(self.peak, self.in_flight)
        try:
            await asyncio.sleep(self.delay)
            return await self.inner.handle_async_request(request)
        finally:
            self.in_flight -= 1


@dataclass
class Providers:
    """The provider fakes the app talks to, kept across app restarts within a test."""

    wall: Wall = field(default_factory=Wall)
    delays: dict[str, float] = field(default_factory=dict)
    delayed: dict[str, DelayedTransport] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.clock = ScaledClock(scale=1.0, epoch=EPOCH, wall=self.wall)
        self.timetracking: TimetrackingState = timetracking_state(CLIENT_SECRET, self.clock, seed=0)
        self.mail: Outbox = mail_state(MAIL_KEY, self.clock, seed=0)
        self.messaging: Outbox = messaging_state(MESSAGING_KEY, self.clock, seed=0)
        self.apps = {
            "timetracking": timetracking_app(self.timetracking),
            "mail": mail_app(self.mail),
            "messaging": messaging_app(self.messaging),
        }

    def transports(self) -> dict[str, httpx.AsyncBaseTransport]:
        """In-process transports; a provider with a delay set answers through a ``DelayedTransport``."""
        made: dict[str, httpx.AsyncBaseTransport] = {}
        for name, app in self.apps.items():
            made[name] = httpx.ASGITransport(app=app)
            if name in self.delays:
                self.delayed[name] = made[name] = DelayedTransport(made[name], self.delays[name])
        return made

    def delivered(self) -> dict[str, int]:
        """How many messages each address received."""
        counts: dict[str, int] = {}
        for message in self.mail.messages:
            counts[message.fields["to"]] = counts.get(message.fields["to"], 0) + 1
        return counts

    def texted(self) -> dict[str, int]:
        """How many text messages each phone number received."""
        counts: dict[str, int] = {}
        for message in self.messaging.messages:
            counts[message.fields["to"]] = counts.get(message.fields["to"], 0) + 1
        return counts

    async def control(self, provider: str, path: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        """A call to the provider's ``/_control`` API, as the engine makes it."""
        transport = httpx.ASGITransport(app=self.apps[provider])
        async with httpx.AsyncClient(transport=transport, base_url=f"http://{provider}") as client:
            answer = await client.post(f"/_control/{path}", json=body or {})
        answer.raise_for_status()
        result: dict[str, Any] = answer.json()
        return result


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
        messaging_url="http://messaging",
        messaging_api_key=MESSAGING_KEY,
        scheduler_secret=SCHEDULER_SECRET,
        admin_api_key=ADMIN_KEY,
        tenant_count=3,
        db_pool_size=4,
    )
    return replace(base, **overrides)


@dataclass
class RunningApp:
    """The app after start-up: its state, a client to it, and what it logged."""

    state: AppState
    client: httpx.AsyncClient
    log: io.StringIO

    def events(self, name: str) -> list[dict[str, Any]]:
        lines = [json.loads(line) for line in self.log.getvalue().splitlines()]
        return [line for line in lines if line["event"] == name]

    async def tick(self, slot: str, secret: str = SCHEDULER_SECRET) -> httpx.Response:
        return await self.client.post(
            "/api/v1/internal/run-due-reports", json={"slot": slot}, headers={"X-Scheduler-Secret": secret}
        )

    async def emails(self) -> list[str]:
        rows = await self.state.db.fetch_all("SELECT email FROM tenants ORDER BY id")
        return [row["email"] for row in rows]

    async def notifications(self, kind: str) -> list[dict[str, Any]]:
        answer = await self.client.get(f"/api/v1/admin/notifications?kind={kind}", headers=ADMIN)
        answer.raise_for_status()
        found: list[dict[str, Any]] = answer.json()["notifications"]
        return found

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

    async def fleet(self) -> dict[str, Any]:
        answer = await self.client.get("/api/v1/admin/fleet-health", headers=ADMIN)
        answer.raise_for_status()
        body: dict[str, Any] = answer.json()
        return body


@asynccontextmanager
async def running(settings: Settings, providers: Providers) -> AsyncIterator[RunningApp]:
    """Start the app (its lifespan: pool, migrations, seed, connect), serve it in-process, then stop it."""
    log = io.StringIO()
    state = build_state(settings, providers.clock, providers.transports(), log)
    app = create_app(state)
    transport = httpx.ASGITransport(app=app)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=transport, base_url="http://app") as client,
    ):
        yield RunningApp(state, client, log)


StartApp = Callable[..., AbstractAsyncContextManager[RunningApp]]
