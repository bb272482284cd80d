"""Prometheus metrics in a registry of the app's own: the ones every app has (requests, their latency, admin
notifications, the pool); a product's metrics extend ``AppMetrics`` with its own instruments.

Every app's names start ``drillbit_app_``: a world has one app, and a monitor reads the same name in each world.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from starlette.types import ASGIApp, Message, Receive, Scope, Send

PREFIX = "drillbit_app"


class PoolCollector:
    """Reads the pool's figures at scrape time, so they are never stale."""

    def __init__(self, stats: Callable[[], dict[str, int]]) -> None:
        self._stats = stats

    def collect(self) -> Iterable[Metric]:
        stats = self._stats()
        yield GaugeMetricFamily(f"{PREFIX}_db_pool_size", "Connections the pool may hold.", stats["size"])
        yield GaugeMetricFamily(f"{PREFIX}_db_pool_open", "Connections the pool holds now.", stats["open"])
        yield GaugeMetricFamily(f"{PREFIX}_db_pool_in_use", "Connections lent out now.", stats["in_use"])


class AppMetrics:
    """The instruments every app has, all in ``registry`` (never the process-global one)."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.requests = Counter(
            f"{PREFIX}_http_requests", "HTTP requests answered.", ["route", "method", "status"],
            registry=self.registry,
        )  # fmt: skip
        self.latency = Histogram(
            f"{PREFIX}_http_request_duration_seconds", "Time to answer, wall seconds.", ["route"],
            registry=self.registry,
        )  # fmt: skip
        self.notifications = Counter(
            f"{PREFIX}_notifications", "Admin notifications raised, by kind.", ["kind"], registry=self.registry
        )

    def watch_pool(self, stats: Callable[[], dict[str, int]]) -> None:
        self.registry.register(PoolCollector(stats))

    def exposition(self) -> bytes:
        return generate_latest(self.registry)


class RequestMetrics:
    """ASGI middleware counting each HTTP request by its route template, so ids do not become labels."""

    def __init__(self, app: ASGIApp, metrics: AppMetrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def observe(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, observe)
        finally:
            route = getattr(scope.get("route"), "path", "unmatched")
            self.metrics.requests.labels(route, scope["method"], str(status)).inc()
            self.metrics.latency.labels(route).observe(time.perf_counter() - started)
