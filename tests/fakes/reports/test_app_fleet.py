"""Fleet health: every tenant in one view, as JSON and as an escaped HTML page, at 10,000 tenants too."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

import pytest

from fakes.reports.fleet import compute_fleet, invalidate_fleet
from fakes.reports.tenants import seed_tenants
from tests.fakes.kit.app_tcp_proxy import StallingProxy
from tests.fakes.kit.appworld import ADMIN, Providers
from tests.fakes.reports.reportsworld import ReportsApp, StartApp

pytestmark = pytest.mark.anyio

SLOT = "2026-01-05T09:00:00Z"


async def test_fleet_json_lists_every_tenant_connected(start_app: StartApp) -> None:
    async with start_app(tenant_count=25) as app:
        fleet = await app.fleet()
    assert fleet["summary"] == {
        "tenants": 25,
        "connected": 25,
        "token_ok": 25,
        "token_expired": 0,
        "token_error": 0,
        "last_run_failed": 0,
        "failures_7d": 0,
    }
    assert [t["id"] for t in fleet["tenants"]] == list(range(1, 26))


async def test_fleet_json_tenant_entry_after_a_sent_report(app: ReportsApp) -> None:
    await app.tick(SLOT)
    tenant = (await app.fleet())["tenants"][0]
    assert {key: tenant[key] for key in ("connection", "token_state", "last_error", "last_run", "failures_7d")} == {
        "connection": "connected",
        "token_state": "ok",
        "last_error": None,
        "last_run": {
            "slot": "2026-01-05T09:00:00+00:00",
            "status": "sent",
            "finished_at": "2026-01-05T09:00:00+00:00",
            "error": None,
        },
        "failures_7d": 0,
    }


async def test_fleet_failures_older_than_seven_days_are_not_counted(app: ReportsApp, providers: Providers) -> None:
    await providers.control("mail", "rotate-credential", {"api_key": "mk_next"})
    await app.tick(SLOT)
    providers.wall.advance(timedelta(days=7, seconds=1).total_seconds())
    await invalidate_fleet(app.state)
    fleet = await app.fleet()
    assert [t["failures_7d"] for t in fleet["tenants"]] == [0, 0, 0]


async def test_fleet_view_is_refreshed_after_a_tick(app: ReportsApp) -> None:
    before = await app.fleet()
    await app.tick(SLOT)
    after = await app.fleet()
    assert ([t["last_run"] for t in before["tenants"]], [t["last_run"]["status"] for t in after["tenants"]]) == (
        [None] * 3,
        ["sent"] * 3,
    )


async def test_fleet_html_escapes_what_tenants_wrote(app: ReportsApp) -> None:
    await app.state.db.execute("UPDATE tenants SET name = %s WHERE id = 1", ("<script>alert(1)</script> & Co",))
    await invalidate_fleet(app.state)
    page = await app.client.get("/admin/fleet-health", headers=ADMIN)
    assert (page.status_code, page.headers["content-type"]) == (200, "text/html; charset=utf-8")
    assert ("<script>alert" in page.text, "&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co" in page.text) == (
        False,
        True,
    )


async def test_fleet_works_without_redis(start_app: StartApp) -> None:
    async with start_app(redis_url="redis://127.0.0.1:9/0") as app:
        fleet = await app.fleet()
        health = await app.client.get("/api/v1/health")
    assert (fleet["summary"]["tenants"], health.status_code, health.json()["checks"]["cache"]["status"]) == (
        3,
        503,
        "error",
    )


async def test_fleet_answers_when_redis_stops_answering(start_app: StartApp, app_redis_url: str) -> None:
    parts = urlsplit(app_redis_url)
    proxy = StallingProxy(parts.hostname or "", parts.port or 6379)
    async with proxy.serving(), start_app(redis_url=proxy.through(app_redis_url)) as app:
        proxy.stall()
        fleet = await app.fleet()
        proxy.flow()
    assert fleet["summary"]["tenants"] == 3


async def ten_thousand_tenants(app: ReportsApp) -> None:
    """Seeded in bulk, connected, and one run each (every tenth failed), straight into the database."""
    now = app.state.clock.now_datetime()
    await seed_tenants(app.state.db, 10_000, seed=0, now=now)
    await app.state.db.execute(
        """UPDATE connections SET status = 'connected', token_state = 'ok', access_token = 'at',
               refresh_token = 'rt', expires_at = %(later)s, updated_at = %(now)s""",
        {"now": now, "later": now + timedelta(hours=1)},
    )
    await app.state.db.execute(
        """INSERT INTO report_runs (tenant_id, slot, status, started_at, finished_at, failures, last_failed_at, error)
           SELECT id, %(now)s, CASE WHEN id %% 10 = 0 THEN 'failed' ELSE 'sent' END, %(now)s, %(now)s,
                  CASE WHEN id %% 10 = 0 THEN 1 ELSE 0 END, CASE WHEN id %% 10 = 0 THEN %(now)s END,
                  CASE WHEN id %% 10 = 0 THEN 'mail: invalid_credential' END
           FROM tenants""",
        {"now": now},
    )
    await app.state.db.execute("ANALYZE")


async def test_fleet_of_ten_thousand_tenants_renders_every_row(start_app: StartApp) -> None:
    # How fast (the target is under half a second) is a figure of bench/world_figures.py.
    async with start_app(tenant_count=0) as app:
        await ten_thousand_tenants(app)
        await invalidate_fleet(app.state)
        page = await app.client.get("/admin/fleet-health", headers=ADMIN)
        fleet = await compute_fleet(app.state)
    assert (page.status_code, page.text.count("<tr id="), fleet.summary()["last_run_failed"]) == (200, 10_000, 1_000)
