"""The app's state: one plain object holding its settings, clients and instruments, for handlers and tests."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TextIO, TypeVar

import httpx
from starlette.requests import Request

from fakes.kit.clock import ScaledClock
from fakes.kit.tls import trusted
from fakes.reports.cache import Cache, open_redis
from fakes.reports.config import Settings
from fakes.reports.db import Database, open_pool
from fakes.reports.log import EventLog
from fakes.reports.metrics import AppMetrics
from fakes.reports.providers import MailClient, MessagingClient, TimetrackingClient

T = TypeVar("T")


@dataclass
class Credentials:
    """The secrets the app can change while running (unlike ``Settings``, which is what it was deployed with)."""

    timetracking_client_secret: str
    mail_api_key: str
    messaging_api_key: str


@dataclass
class DispatcherStatus:
    """What the campaign dispatcher has done so far, for ``/_control/state`` (``fakes.reports.dispatcher`` runs it)."""

    running: bool = False
    ticks: int = 0
    failed_ticks: int = 0
    last_tick_at: datetime | None = None
    last_error: str | None = None


@dataclass
class AppState:
    """Built before the app starts; the lifespan opens what needs opening. Handlers reach it via ``app_state``."""

    settings: Settings
    clock: ScaledClock
    credentials: Credentials
    db: Database
    cache: Cache
    timetracking: TimetrackingClient
    mail: MailClient
    messaging: MessagingClient
    http_clients: list[httpx.AsyncClient]
    metrics: AppMetrics
    log: EventLog
    dispatcher: DispatcherStatus = field(default_factory=DispatcherStatus)
    tenant_locks: dict[int, asyncio.Lock] = field(default_factory=dict)
    background: set[asyncio.Task[Any]] = field(default_factory=set)

    def tenant_lock(self, tenant_id: int) -> asyncio.Lock:
        """One lock per tenant: a tenant's token pair is refreshed or replaced by one task at a time."""
        return self.tenant_locks.setdefault(tenant_id, asyncio.Lock())

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


def build_state(
    settings: Settings,
    clock: ScaledClock | None = None,
    transports: Mapping[str, httpx.AsyncBaseTransport] | None = None,
    log_stream: TextIO | None = None,
) -> AppState:
    """Everything constructed, nothing connected. ``transports`` (by provider name) lets a test go in-process."""
    clock = clock or ScaledClock()
    transports = transports or {}
    credentials = Credentials(settings.timetracking_client_secret, settings.mail_api_key, settings.messaging_api_key)
    timetracking_http = _http_client(settings.timetracking_url, settings.http_timeout, transports.get("timetracking"))
    mail_http = _http_client(settings.mail_url, settings.http_timeout, transports.get("mail"))
    messaging_http = _http_client(settings.messaging_url, settings.http_timeout, transports.get("messaging"))
    metrics = AppMetrics()
    db = Database(
        open_pool(settings.database_url, settings.db_pool_size, settings.db_pool_timeout), settings.db_pool_timeout
    )
    metrics.watch_pool(db.stats)
    return AppState(
        settings=settings,
        clock=clock,
        credentials=credentials,
        db=db,
        cache=Cache(open_redis(settings.redis_url)),
        timetracking=TimetrackingClient(
            timetracking_http, settings.timetracking_client_id, lambda: credentials.timetracking_client_secret
        ),
        mail=MailClient(mail_http, lambda: credentials.mail_api_key, settings.mail_from),
        messaging=MessagingClient(messaging_http, lambda: credentials.messaging_api_key),
        http_clients=[timetracking_http, mail_http, messaging_http],
        metrics=metrics,
        log=EventLog(clock.now_datetime, log_stream),
    )


def _http_client(base_url: str, timeout: float, transport: httpx.AsyncBaseTransport | None) -> httpx.AsyncClient:
    return httpx.AsyncClient(base_url=base_url, timeout=timeout, transport=transport, verify=trusted())


def app_state(request: Request) -> AppState:
    state = getattr(request.app.state, "drillbit", None)
    if not isinstance(state, AppState):
        raise RuntimeError("the app was not built by fakes.reports.main.create_app")
    return state
