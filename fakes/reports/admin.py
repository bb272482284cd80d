"""Admin endpoints: rotate the provider's client secret, reconnect a tenant, run a tenant's report now."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from fakes.kit.auth import admin_only
from fakes.kit.providers import ProviderError
from fakes.reports.fleet import invalidate_fleet
from fakes.reports.oauth import connect, effective_token_state, load_connection
from fakes.reports.overrides import rotate_timetracking_secret
from fakes.reports.reports import run_due_reports
from fakes.reports.state import AppState, app_state
from fakes.reports.tenants import Tenant, get_tenant


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


async def _json_body(request: Request) -> dict[str, Any] | None:
    try:
        body = json.loads(await request.body() or b"null")
    except ValueError:
        return None
    return body if isinstance(body, dict) else None


async def _tenant_or_404(request: Request) -> Tenant | Response:
    tenant = await get_tenant(app_state(request).db, request.path_params["tenant_id"])
    return tenant or JSONResponse({"error": "unknown_tenant"}, status_code=404)


@admin_only
async def rotate_secret_endpoint(request: Request) -> Response:
    """``POST /api/v1/admin/provider/rotate-secret`` ``{"client_secret"}``; the secret is never echoed."""
    body = await _json_body(request)
    secret = body.get("client_secret") if body else None
    if not isinstance(secret, str) or not secret:
        return JSONResponse({"error": "invalid_request", "detail": "client_secret must be a non-empty string"}, 400)
    await rotate_timetracking_secret(app_state(request), secret)
    return JSONResponse({"status": "rotated", "provider": "timetracking"})


@admin_only
async def reconnect_endpoint(request: Request) -> Response:
    """``POST /api/v1/admin/tenants/{id}/reconnect``: a fresh token pair from a new authorization."""
    state = app_state(request)
    tenant = await _tenant_or_404(request)
    if isinstance(tenant, Response):
        return tenant
    try:
        await connect(state, tenant)
    except ProviderError as error:
        detail = {"error": "provider_error", "provider": error.provider, "code": error.code}
        return JSONResponse(detail, status_code=502)
    finally:
        await invalidate_fleet(state)
    return JSONResponse(await _connection_view(state, tenant.id))


async def _connection_view(state: AppState, tenant_id: int) -> dict[str, Any]:
    current = await load_connection(state, tenant_id)
    if current is None:
        return {"tenant_id": tenant_id, "connection": "pending"}
    return {
        "tenant_id": tenant_id,
        "connection": current.status,
        "token_state": effective_token_state(current.token_state, current.expires_at, state.clock.now_datetime()),
        "token_expires_at": _iso(current.expires_at),
        "last_error": current.last_error,
    }


@admin_only
async def run_report_endpoint(request: Request) -> Response:
    """``POST /api/v1/admin/tenants/{id}/run-report``: the current slot's report now, if not sent already."""
    state = app_state(request)
    tenant = await _tenant_or_404(request)
    if isinstance(tenant, Response):
        return tenant
    summary = await run_due_reports(state, state.clock.now_datetime(), tenant_id=tenant.id)
    outcome = "sent" if summary.sent else "failed" if summary.failed else "skipped"
    run = await state.db.fetch_one(
        """SELECT status, attempts, error, message_id, started_at, finished_at FROM report_runs
           WHERE tenant_id = %s AND slot = %s""",
        (tenant.id, datetime.fromisoformat(summary.slot)),
    )
    view = (
        None if run is None else {**run, "started_at": _iso(run["started_at"]), "finished_at": _iso(run["finished_at"])}
    )
    return JSONResponse({"tenant_id": tenant.id, "slot": summary.slot, "outcome": outcome, "run": view})
