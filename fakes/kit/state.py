"""An app's state: one plain object holding its settings, clock, database, cache and instruments, for handlers and
tests, and how it is wired to its world. A product's ``AppState`` extends ``KitState`` with its own clients and
records."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine, Mapping
from dataclasses import InitVar, dataclass, field
from typing import Any, TextIO, TypeVar

import httpx
from starlette.requests import Request

from fakes.kit.cache import Cache, open_redis
from fakes.kit.clock import ScaledClock
from fakes.kit.config import AppSettings
from fakes.kit.db import Database, open_pool
from fakes.kit.log import EventLog
from fakes.kit.metrics import AppMetrics
from fakes.kit.providers import http_client

T = TypeVar("T")
S = TypeVar("S", bound="KitState")


@dataclass(frozen=True)
class Wiring:
    """How an app's state meets its world: the world's clock, the transports a test gives for its providers (by
    provider name; real HTTP for any other), and the stream its event log writes to (stdout when None)."""

    clock: ScaledClock
    transports: Mapping[str, httpx.AsyncBaseTransport] = field(default_factory=dict)
    log_stream: TextIO | None = None

    def http_client(self, provider: str, base_url: str, timeout: float) -> httpx.AsyncClient:
        """The app's client to ``provider`` at ``base_url``."""
        return http_client(base_url, timeout, self.transports.get(provider))


@dataclass(kw_only=True)
class KitState:
    """Built before the app starts, nothing connected yet; the lifespan (``fakes.kit.app``) opens what needs opening.

    ``http_clients`` are closed when the app stops.
    """

    settings: AppSettings
    metrics: AppMetrics
    wiring: InitVar[Wiring]
    clock: ScaledClock = field(init=False)
    db: Database = field(init=False)
    cache: Cache = field(init=False)
    log: EventLog = field(init=False)
    http_clients: list[httpx.AsyncClient] = field(default_factory=list)
    background: set[asyncio.Task[Any]] = field(default_factory=set)

    def __post_init__(self, wiring: Wiring) -> None:
        self.clock = wiring.clock
        pool = open_pool(self.settings.database_url, self.settings.db_pool_size, self.settings.db_pool_timeout)
        self.db = Database(pool, self.settings.db_pool_timeout)
        self.metrics.watch_pool(self.db.stats)
        self.cache = Cache(open_redis(self.settings.redis_url))
        self.log = EventLog(self.clock.now_datetime, wiring.log_stream)

    def spawn(self, work: Coroutine[Any, Any, T]) -> asyncio.Task[T]:
        """Run ``work`` in the background until it ends or the app stops; a failure is logged, not lost."""
        task = asyncio.create_task(work)
        self.background.add(task)
        task.add_done_callback(self._background_done)
        return task

    def _background_done(self, task: asyncio.Task[Any]) -> None:
        self.background.discard(task)
        if not task.cancelled() and task.exception() is not None:
            self.log.emit("background_task_failed", error=type(task.exception()).__name__)

    def control_state(self) -> dict[str, Any]:
        """What ``GET /_control/state`` answers: what the app runs with, never a secret. A product adds its own."""
        return {
            "version": self.settings.app_version,
            "time_scale": self.clock.scale,
            "scenario_time": self.clock.now_datetime().isoformat(),
            "pool": self.db.stats(),
            "background_tasks": len(self.background),
        }


def state_of(request: Request, kind: type[S]) -> S:
    """The state of the app serving ``request``, as the type its handlers expect."""
    state = getattr(request.app.state, "drillbit", None)
    if not isinstance(state, kind):
        raise RuntimeError(f"the app holds no {kind.__name__}: it was not built by fakes.kit.app.create_app")
    return state


def kit_state(request: Request) -> KitState:
    return state_of(request, KitState)
