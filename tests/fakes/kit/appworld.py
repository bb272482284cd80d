"""A small world for any app of the kit: the app in-process on real Postgres and Redis, with the real provider
fakes in-process too (httpx ASGI transports), all on one hand-moved wall clock. Each product's test world
(``tests/fakes/<product>/...world.py``) builds its app's state and serves it through ``serving``."""

from __future__ import annotations

import asyncio
import io
import json
import time
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

import httpx
from starlette.applications import Starlette

from fakes.kit.app import create_app
from fakes.kit.clock import ScaledClock
from fakes.kit.config import AppSettings
from fakes.kit.metrics import AppMetrics
from fakes.kit.state import KitState, Wiring
from fakes.providers.mail.app import create_app as mail_app
from fakes.providers.mail.app import mail_state
from fakes.providers.messaging import create_app as messaging_app
from fakes.providers.messaging import messaging_state
from fakes.providers.outbox import Outbox
from fakes.providers.timetracking.app import create_app as timetracking_app
from fakes.providers.timetracking.state import TimetrackingState, timetracking_state

# 2026-01-05 09:00:00 UTC, a slot boundary for every interval the tests use.
EPOCH = 1_767_603_600.0
CLIENT_SECRET = "cs_initial-secret"
MAIL_KEY = "mk_initial-key"
MESSAGING_KEY = "messaging-key"
ADMIN_KEY = "admin-key-for-tests"
ADMIN = {"Authorization": f"Bearer {ADMIN_KEY}"}

S = TypeVar("S", bound=KitState)


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
    """The provider fakes the apps talk to, kept across app restarts within a test."""

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
        return _count_by_recipient(self.mail)

    def texted(self) -> dict[str, int]:
        """How many text messages each phone number received."""
        return _count_by_recipient(self.messaging)

    async def control(self, provider: str, path: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        """A call to the provider's ``/_control`` API, as the engine makes it."""
        transport = httpx.ASGITransport(app=self.apps[provider])
        async with httpx.AsyncClient(transport=transport, base_url=f"http://{provider}") as client:
            answer = await client.post(f"/_control/{path}", json=body or {})
        answer.raise_for_status()
        result: dict[str, Any] = answer.json()
        return result


def _count_by_recipient(outbox: Outbox) -> dict[str, int]:
    counts: dict[str, int] = {}
    for message in outbox.messages:
        counts[message.fields["to"]] = counts.get(message.fields["to"], 0) + 1
    return counts


@dataclass
class RunningApp(Generic[S]):
    """An app after start-up: its state, a client to it, and what it logged."""

    state: S
    client: httpx.AsyncClient
    log: io.StringIO

    def events(self, name: str) -> list[dict[str, Any]]:
        lines = [json.loads(line) for line in self.log.getvalue().splitlines()]
        return [line for line in lines if line["event"] == name]

    async def notifications(self, kind: str) -> list[dict[str, Any]]:
        answer = await self.client.get(f"/api/v1/admin/notifications?kind={kind}", headers=ADMIN)
        answer.raise_for_status()
        found: list[dict[str, Any]] = answer.json()["notifications"]
        return found


R = TypeVar("R", bound=RunningApp[Any])


@asynccontextmanager
async def served(
    kind: Callable[[S, httpx.AsyncClient, io.StringIO], R], state: S, app: Starlette, log: io.StringIO
) -> AsyncIterator[R]:
    """Start ``app`` (its lifespan: pool, migrations, the product's start), serve it in-process as ``kind``, then
    stop it."""
    transport = httpx.ASGITransport(app=app)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=transport, base_url="http://app") as client,
    ):
        yield kind(state, client, log)


T = TypeVar("T", bound=AppSettings)


def launcher(
    kind: Callable[[S, httpx.AsyncClient, io.StringIO], R],
    build: Callable[[T, Wiring], S],
    create: Callable[[S], Starlette],
) -> Callable[[T, Providers], AbstractAsyncContextManager[R]]:
    """How a product's tests run its app: its state built (``build``) on the providers' clock and in-process
    transports, its app made (``create``), served as ``kind``."""

    def running(settings: T, providers: Providers) -> AbstractAsyncContextManager[R]:
        log = io.StringIO()
        state = build(settings, Wiring(providers.clock, providers.transports(), log))
        return served(kind, state, create(state), log)

    return running


def starter(
    running: Callable[[T, Providers], AbstractAsyncContextManager[R]],
    settings_for: Callable[..., T],
    world_urls: Mapping[str, str],
    providers: Providers,
) -> Callable[..., AbstractAsyncContextManager[R]]:
    """A product's ``start_app`` fixture: its app on the test's servers, keyword arguments overriding its settings."""

    def start(**overrides: Any) -> AbstractAsyncContextManager[R]:
        return running(settings_for(**{**world_urls, **overrides}), providers)

    return start


def kit_state(settings: AppSettings, wiring: Wiring) -> KitState:
    """An app of nothing but the kit."""
    return KitState(settings=settings, metrics=AppMetrics(), wiring=wiring)


running = launcher(RunningApp[KitState], kit_state, create_app)


def settings_for(**overrides: Any) -> AppSettings:
    """The kit's settings, with the admin key; ``database_url`` and ``redis_url`` are required."""
    return AppSettings(**{"db_pool_size": 4, "admin_api_key": ADMIN_KEY, **overrides})


StartApp = Callable[..., AbstractAsyncContextManager[RunningApp[KitState]]]
