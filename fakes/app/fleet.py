"""Fleet health: every tenant's connection, token state, last run and recent failures, in one aggregate query.

The view is cached in Redis for a few seconds and dropped whenever a tick or an admin action changes it; with
Redis down it is computed from the database on every request.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from jinja2 import Environment, PackageLoader
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response

from fakes.app.auth import admin_only
from fakes.app.oauth import effective_token_state
from fakes.app.state import AppState, app_state

CACHE_KEY = "fleet:v1"
CACHE_TTL_SECONDS = 5.0
FAILURE_WINDOW = timedelta(days=7)

_TEMPLATES = Environment(loader=PackageLoader("fakes.app", "templates"), autoescape=True)

_FLEET = """
SELECT t.id, t.name, t.account, t.active,
       c.status AS connection, c.token_state, c.expires_at, c.last_error, c.last_refresh_at,
       r.slot AS run_slot, r.status AS run_status, r.finished_at AS run_finished_at, r.error AS run_error,
       COALESCE(f.failures, 0) AS failures_7d
FROM tenants t
LEFT JOIN connections c ON c.tenant_id = t.id
LEFT JOIN LATERAL (
    SELECT slot, status, finished_at, error FROM report_runs
    WHERE report_runs.tenant_id = t.id ORDER BY slot DESC LIMIT 1
) r ON true
LEFT JOIN (
    SELECT tenant_id, sum(failures)::int AS failures FROM report_runs
    WHERE failures > 0 AND last_failed_at >= %(since)s GROUP BY tenant_id
) f ON f.tenant_id = t.id
ORDER BY t.id
"""


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def _tenant_view(row: dict[str, Any], now: datetime) -> dict[str, Any]:
    last_run = None
    if row["run_slot"] is not None:
        last_run = {
            "slot": _iso(row["run_slot"]),
            "status": row["run_status"],
            "finished_at": _iso(row["run_finished_at"]),
            "error": row["run_error"],
        }
    return {
        "id": row["id"],
        "name": row["name"],
        "account": row["account"],
        "active": row["active"],
        "connection": row["connection"] or "pending",
        "token_state": effective_token_state(row["token_state"] or "expired", row["expires_at"], now),
        "token_expires_at": _iso(row["expires_at"]),
        "last_error": row["last_error"],
        "last_refresh_at": _iso(row["last_refresh_at"]),
        "last_run": last_run,
        "failures_7d": row["failures_7d"],
    }


def _summary(tenants: list[dict[str, Any]]) -> dict[str, int]:
    def count(key: str, value: str) -> int:
        return sum(1 for tenant in tenants if tenant[key] == value)

    return {
        "tenants": len(tenants),
        "connected": count("connection", "connected"),
        "token_ok": count("token_state", "ok"),
        "token_expired": count("token_state", "expired"),
        "token_error": count("token_state", "error"),
        "last_run_failed": sum(1 for t in tenants if t["last_run"] and t["last_run"]["status"] == "failed"),
        "failures_7d": sum(tenant["failures_7d"] for tenant in tenants),
    }


async def compute_fleet(state: AppState) -> dict[str, Any]:
    now = state.clock.now_datetime()
    rows = await state.db.fetch_all(_FLEET, {"since": now - FAILURE_WINDOW})
    tenants = [_tenant_view(row, now) for row in rows]
    return {"generated_at": now.isoformat(), "summary": _summary(tenants), "tenants": tenants}


async def fleet_health(state: AppState) -> dict[str, Any]:
    """The cached view when there is one, else a fresh one (then cached)."""
    cached = await state.cache.get_json(CACHE_KEY)
    if isinstance(cached, dict):
        return cached
    view = await compute_fleet(state)
    await state.cache.set_json(CACHE_KEY, view, CACHE_TTL_SECONDS)
    return view


async def invalidate_fleet(state: AppState) -> None:
    await state.cache.delete(CACHE_KEY)


@admin_only
async def fleet_json_endpoint(request: Request) -> Response:
    return JSONResponse(await fleet_health(app_state(request)))


@admin_only
async def fleet_html_endpoint(request: Request) -> Response:
    view = await fleet_health(app_state(request))
    return HTMLResponse(_TEMPLATES.get_template("fleet_health.html").render(fleet=view))
