"""Health and readiness, as every app of the kit answers them, against real Postgres and Redis."""

from __future__ import annotations

import asyncio
from urllib.parse import urlsplit

import psycopg
import pytest
from psycopg import sql
from psycopg_pool import PoolTimeout

from fakes.kit import app as kit_app
from fakes.kit.state import KitState
from tests.fakes.kit.app_tcp_proxy import StallingProxy
from tests.fakes.kit.appworld import RunningApp, StartApp

pytestmark = pytest.mark.anyio

# A bound on a wait, not a target: the app answers 200 again a few polls after its database is back.
RECOVERY_POLLS = 300


async def test_health_reports_database_and_cache_ok(app: RunningApp[KitState]) -> None:
    answer = await app.client.get("/api/v1/health")
    assert (answer.status_code, answer.json()) == (
        200,
        {"status": "ok", "version": "1.0.0", "checks": {"db": {"status": "ok"}, "cache": {"status": "ok"}}},
    )


async def test_ready_answers_200_with_a_connection_to_lend(app: RunningApp[KitState]) -> None:
    answer = await app.client.get("/api/v1/ready")
    assert (answer.status_code, answer.json()) == (200, {"status": "ready"})


async def test_ready_answers_503_while_the_pool_is_exhausted(start_app: StartApp) -> None:
    async with start_app(db_pool_size=1, db_pool_timeout=0.3) as app:
        async with app.state.db.connection():
            exhausted = await app.client.get("/api/v1/ready")
        released = await app.client.get("/api/v1/ready")
    assert [(a.status_code, a.json()) for a in (exhausted, released)] == [
        (503, {"status": "not_ready", "checks": {"db": {"status": "error", "error": "PoolTimeout"}}}),
        (200, {"status": "ready"}),
    ]


def set_connections_allowed(database_url: str, allowed: bool) -> None:
    """Make the test's database refuse (or accept again) every connection, ending those it has."""
    name = database_url.rsplit("/", 1)[1]
    with psycopg.connect(database_url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        conn.execute(sql.SQL("ALTER DATABASE {} ALLOW_CONNECTIONS {}").format(sql.Identifier(name), allowed))
        if not allowed:
            conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", (name,))


async def recovers(app: RunningApp[KitState], path: str) -> int:
    """Polls ``path`` every 100 ms until it answers 200, at most ``RECOVERY_POLLS`` times; the last status."""
    for _ in range(RECOVERY_POLLS):
        answer = await app.client.get(path)
        if answer.status_code == 200:
            break
        await asyncio.sleep(0.1)
    return answer.status_code


async def test_health_degraded_when_the_database_is_gone_and_recovers(start_app: StartApp, database_url: str) -> None:
    async with start_app(db_pool_timeout=0.5) as app:
        set_connections_allowed(database_url, False)
        try:
            down = await app.client.get("/api/v1/health")
        finally:
            set_connections_allowed(database_url, True)
        recovered = await recovers(app, "/api/v1/health")
    assert (down.status_code, down.json()["status"], down.json()["checks"]["db"]["status"], recovered) == (
        503,
        "degraded",
        "error",
        200,
    )


async def test_start_fails_with_a_pool_timeout_when_the_database_is_unreachable(
    start_app: StartApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(kit_app, "OPEN_POOL_SECONDS", 1.0)
    with pytest.raises(PoolTimeout):
        async with start_app(database_url="postgresql://nobody@127.0.0.1:9/none"):
            pass


async def test_health_answers_503_when_the_database_stops_answering(start_app: StartApp, database_url: str) -> None:
    parts = urlsplit(database_url)
    proxy = StallingProxy(parts.hostname or "", parts.port or 5432)
    async with proxy.serving(), start_app(database_url=proxy.through(database_url), db_pool_timeout=0.5) as app:
        proxy.stall()
        stalled = await app.client.get("/api/v1/health")
        proxy.flow()
        recovered = await recovers(app, "/api/v1/health")
    assert (stalled.status_code, stalled.json()["checks"]["db"], recovered) == (
        503,
        {"status": "error", "error": "TimeoutError"},
        200,
    )


async def test_health_answers_503_when_redis_stops_answering(start_app: StartApp, app_redis_url: str) -> None:
    parts = urlsplit(app_redis_url)
    proxy = StallingProxy(parts.hostname or "", parts.port or 6379)
    async with proxy.serving(), start_app(redis_url=proxy.through(app_redis_url)) as app:
        proxy.stall()
        health = await app.client.get("/api/v1/health")
        proxy.flow()
    assert (health.status_code, health.json()["checks"]["cache"]) == (503, {"status": "error", "error": "TimeoutError"})
