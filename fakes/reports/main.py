"""The scheduled-report app: its routes over the kit's, and what its start-up adds to the kit's.

Start-up (after the kit opened the pool and migrated) seeds the tenants on first start, applies persisted secret
overrides, and connects pending tenants to the provider: for up to ``CONNECT_BUDGET_SECONDS``, then in the
background (ticks connect whoever is still pending).
"""

from __future__ import annotations

import asyncio

from starlette.applications import Starlette
from starlette.routing import Route

from fakes.kit import app
from fakes.reports import admin, fleet, reports
from fakes.reports.config import settings_from_env
from fakes.reports.oauth import connect_pending
from fakes.reports.overrides import apply_persisted_overrides
from fakes.reports.schema import NOTIFICATIONS, SCHEMA
from fakes.reports.state import AppState, build_state
from fakes.reports.tenants import seed_tenants

CONNECT_BUDGET_SECONDS = 10.0

ROUTES = [
    Route("/api/v1/internal/run-due-reports", reports.run_due_reports_endpoint, methods=["POST"]),
    Route("/admin/fleet-health", fleet.fleet_html_endpoint),
    Route("/api/v1/admin/fleet-health", fleet.fleet_json_endpoint),
    Route("/api/v1/admin/notifications", NOTIFICATIONS.endpoint()),
    Route("/api/v1/admin/provider/rotate-secret", admin.rotate_secret_endpoint, methods=["POST"]),
    Route("/api/v1/admin/tenants/{tenant_id:int}/reconnect", admin.reconnect_endpoint, methods=["POST"]),
    Route("/api/v1/admin/tenants/{tenant_id:int}/run-report", admin.run_report_endpoint, methods=["POST"]),
]


def create_app(state: AppState) -> Starlette:
    return app.create_app(state, ROUTES, SCHEMA, start)


app_from_env = app.from_env(settings_from_env, build_state, create_app)
"""The app as ``python -m fakes.reports`` serves it, configured from its environment."""


async def start(state: AppState) -> None:
    settings = state.settings
    seeded = await seed_tenants(state.db, settings.tenant_count, settings.seed, state.clock.now_datetime())
    state.log.emit("tenants_seeded", count=seeded)
    await apply_persisted_overrides(state)
    connecting = state.spawn(connect_pending(state))
    await asyncio.wait({connecting}, timeout=CONNECT_BUDGET_SECONDS)
