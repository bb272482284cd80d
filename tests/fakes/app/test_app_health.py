"""Health and readiness of the app, against real Postgres and Redis."""

from __future__ import annotations

import asyncio
import time
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest
from app_tcp_proxy import StallingProxy
from appworld import ADMIN, RunningApp, StartApp
from psycopg import sql
from psycopg_pool import PoolTimeout

from fakes.app import main

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


async def test_ready_answers_503_while_the_pool_is_exhausted(start_app: StartApp) -> None:
    async with start_app(db_pool_size=1, db_pool_timeout=0.3) as app:
        async with app.state.db.connection():
            exhausted = await app.client.get("/api/v1/ready")
            blocked = await app.client.get("/api/v1/admin/notifications", headers=ADMIN)
        released = await app.client.get("/api/v1/ready")
    assert [(a.status_code, a.json()) for a in (exhausted, blocked, released)] == [
        (503, {"status": "not_ready", "checks": {"db": {"status": "error", "error": "PoolTimeout"}}}),
        (503, {"error": "database_unavailable"}),
        (200, {"status": "ready"}),
    ]


def set_connections_allowed(database_url: str, allowed: bool) -> None:
    """Make the test's database refuse (or accept again) every connection, ending those it has."""
    name = database_url.rsplit("/", 1)[1]
    with psycopg.connect(database_url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        conn.execute(sql.SQL("ALTER DATABASE {} ALLOW_CONNECTIONS {}").format(sql.Identifier(name), allowed))
        if not allowed:
            conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", (name,))


async def wait_for_status(app: RunningApp, path: str, status: int, within: float) -> float:
    """Poll until ``path`` answers ``status``; answers the seconds it took, or fails after ``within``."""
    started = time.monotonic()
    while (answer := await app.client.get(path)).status_code != status:
        if time.monotonic() - started > within:
            raise AssertionError(f"{path} still answers {answer.status_code} after {within} s: {answer.text}")
        await asyncio.sleep(0.1)
    return time.monotonic() - started


async def test_health_degraded_quickly_when_the_database_is_gone_and_recovers(
    start_app: StartApp, database_url: str
) -> None:
    async with start_app(db_pool_timeout=0.5) as app:
        set_connections_allowed(database_url, False)
        try:
            started = time.monotonic()
            down = await app.client.get("/api/v1/health")
            noticed = time.monotonic() - started
        finally:
            set_connections_allowed(database_url, True)
        recovered = await wait_for_status(app, "/api/v1/health", 200, within=15.0)
    assert (down.status_code, down.json()["status"], down.json()["checks"]["db"]["status"]) == (
        503,
        "degraded",
        "error",
    )
    assert (noticed < 2.0, recovered < 10.0) == (True, True), (noticed, recovered)


async def test_start_fails_within_seconds_when_the_database_is_unreachable(
    start_app: StartApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(main, "OPEN_POOL_SECONDS", 1.0)
    started = time.monotonic()
    with pytest.raises(PoolTimeout):
        async with start_app(database_url="postgresql://nobody@127.0.0.1:9/none"):
            pass
    assert time.monotonic() - started < 5.0


def through(proxy: StallingProxy, url: str) -> str:
    parts = urlsplit(url)
    credentials = parts.netloc.rsplit("@", 1)[0] + "@" if "@" in parts.netloc else ""
    return urlunsplit(parts._replace(netloc=f"{credentials}127.0.0.1:{proxy.port}"))


async def test_health_answers_fast_when_the_database_stops_answering(start_app: StartApp, database_url: str) -> None:
    parts = urlsplit(database_url)
    proxy = StallingProxy(parts.hostname or "", parts.port or 5432)
    async with proxy.serving(), start_app(database_url=through(proxy, database_url), db_pool_timeout=0.5) as app:
        proxy.stall()
        started = time.monotonic()
        stalled = await app.client.get("/api/v1/health")
        answered_in = time.monotonic() - started
        proxy.flow()
        recovered_in = await wait_for_status(app, "/api/v1/health", 200, within=20.0)
    assert (stalled.status_code, stalled.json()["checks"]["db"], answered_in < 2.5) == (
        503,
        {"status": "error", "error": "TimeoutError"},
        True,
    ), answered_in
    assert recovered_in < 15.0


async def test_health_and_fleet_answer_when_redis_stops_answering(start_app: StartApp, app_redis_url: str) -> None:
    parts = urlsplit(app_redis_url)
    proxy = StallingProxy(parts.hostname or "", parts.port or 6379)
    async with proxy.serving(), start_app(redis_url=through(proxy, app_redis_url)) as app:
        proxy.stall()
        started = time.monotonic()
        health = await app.client.get("/api/v1/health")
        fleet = await app.fleet()
        answered_in = time.monotonic() - started
        proxy.flow()
    assert (health.status_code, health.json()["checks"]["cache"]["status"], fleet["summary"]["tenants"]) == (
        503,
        "error",
        3,
    )
    assert answered_in < 3.0, answered_in
