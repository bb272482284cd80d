"""The app: routes of every product area on shared infrastructure, and the start-up and shut-down around them.

Start-up opens the pool (failing within seconds when the database cannot be reached), migrates, seeds the
tenants (and, when asked, a running campaign) on first start, applies persisted secret overrides, starts the
campaign dispatcher, and connects pending tenants to the provider: for up to ``CONNECT_BUDGET_SECONDS``, then in
the background (ticks connect whoever is still pending).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from fakes.kit.request_limits import BodyLimits
from fakes.reports import admin, campaign_admin, fleet, health, notifications, reports
from fakes.reports.campaigns import seed_campaign
from fakes.reports.db import UNAVAILABLE, migrate
from fakes.reports.dispatcher import run_dispatcher
from fakes.reports.metrics import RequestMetrics
from fakes.reports.oauth import connect_pending
from fakes.reports.overrides import apply_persisted_overrides
from fakes.reports.state import AppState, app_state
from fakes.reports.tenants import seed_tenants

OPEN_POOL_SECONDS = 10.0
CONNECT_BUDGET_SECONDS = 10.0
STOP_BACKGROUND_SECONDS = 2.0

ROUTES = [
    Route("/api/v1/health", health.health_endpoint),
    Route("/api/v1/ready", health.ready_endpoint),
    Route("/metrics", health.metrics_endpoint),
    Route("/_control/health", health.control_health_endpoint),
    Route("/_control/state", health.control_state_endpoint),
    Route("/api/v1/internal/run-due-reports", reports.run_due_reports_endpoint, methods=["POST"]),
    Route("/admin/fleet-health", fleet.fleet_html_endpoint),
    Route("/api/v1/admin/fleet-health", fleet.fleet_json_endpoint),
    Route("/api/v1/admin/notifications", notifications.notifications_endpoint),
    Route("/api/v1/admin/provider/rotate-secret", admin.rotate_secret_endpoint, methods=["POST"]),
    Route("/api/v1/admin/tenants/{tenant_id:int}/reconnect", admin.reconnect_endpoint, methods=["POST"]),
    Route("/api/v1/admin/tenants/{tenant_id:int}/run-report", admin.run_report_endpoint, methods=["POST"]),
    Route("/api/v1/admin/campaigns", campaign_admin.list_campaigns_endpoint, methods=["GET"]),
    Route("/api/v1/admin/campaigns", campaign_admin.create_campaign_endpoint, methods=["POST"]),
    Route("/api/v1/admin/campaigns/{campaign_id:int}", campaign_admin.campaign_endpoint, methods=["GET"]),
    Route("/api/v1/admin/campaigns/{campaign_id:int}/start", campaign_admin.start_endpoint, methods=["POST"]),
    Route("/api/v1/admin/campaigns/{campaign_id:int}/pause", campaign_admin.pause_endpoint, methods=["POST"]),
    Route("/api/v1/admin/campaigns/{campaign_id:int}/resume", campaign_admin.resume_endpoint, methods=["POST"]),
]


def create_app(state: AppState) -> Starlette:
    app = Starlette(
        routes=ROUTES,
        middleware=[Middleware(RequestMetrics, metrics=state.metrics), Middleware(BodyLimits)],
        exception_handlers={error: database_unavailable for error in UNAVAILABLE},
        lifespan=lifespan,
    )
    app.state.drillbit = state
    return app


async def database_unavailable(request: Request, error: Exception) -> Response:
    """No connection within the budget (pool exhausted, database down): 503, said in the log."""
    app_state(request).log.emit("database_unavailable", path=request.url.path, error=type(error).__name__)
    return JSONResponse({"error": "database_unavailable"}, status_code=503)


@asynccontextmanager
async def lifespan(app: Starlette) -> AsyncIterator[None]:
    state: AppState = app.state.drillbit
    try:
        await start(state)
    except BaseException:
        await stop(state)
        raise
    try:
        yield
    finally:
        await stop(state)


async def start(state: AppState) -> None:
    await state.db.pool.open(wait=True, timeout=OPEN_POOL_SECONDS)
    await migrate(state.db)
    seeded = await seed_tenants(state.db, state.settings.tenant_count, state.settings.seed, state.clock.now_datetime())
    await seed_campaign(state)
    await apply_persisted_overrides(state)
    state.log.emit("app_started", version=state.settings.app_version, seeded=seeded)
    state.spawn(run_dispatcher(state))
    connecting = state.spawn(connect_pending(state))
    await asyncio.wait({connecting}, timeout=CONNECT_BUDGET_SECONDS)


async def stop(state: AppState) -> None:
    """Cancel what runs in the background, then close the clients and the pool."""
    for task in list(state.background):
        task.cancel()
    if state.background:
        # A query cancelled on a dead network can take psycopg seconds to give up: do not wait that long.
        await asyncio.wait(list(state.background), timeout=STOP_BACKGROUND_SECONDS)
    for client in state.http_clients:
        await client.aclose()
    await state.cache.client.aclose()
    await state.db.pool.close()
