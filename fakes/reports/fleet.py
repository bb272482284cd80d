"""Fleet health: every tenant's connection, token state, last run and recent failures, in one aggregate query.

The query's rows are cached in Redis for a few seconds, under a generation that every tick and admin action
bumps, so a view computed before a change is never served after it; with Redis down every request queries the
database. Rows are flat tuples end to end (SQL, cache, template), which keeps 10,000 tenants well under the
page's half-second budget.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, NamedTuple

from jinja2 import Environment, PackageLoader
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from fakes.kit.auth import admin_only
from fakes.reports.state import AppState, app_state

CACHE_KEY = "fleet:v1"
GENERATION_KEY = "fleet:generation"
CACHE_TTL_SECONDS = 5.0
FAILURE_WINDOW = timedelta(days=7)

_TEMPLATES = Environment(loader=PackageLoader("fakes.reports", "templates"), autoescape=True)

# Times leave Postgres as ISO 8601 text (the session runs in UTC); the token state is the rule of
# oauth.effective_token_state, applied in SQL.
_FLEET = """
SELECT t.id, t.name, t.account, t.active,
       COALESCE(c.status, 'pending'),
       CASE WHEN c.token_state = 'error' THEN 'error' WHEN c.expires_at > %(now)s THEN 'ok' ELSE 'expired' END,
       to_json(c.expires_at) #>> '{}', c.last_error, to_json(c.last_refresh_at) #>> '{}',
       to_json(r.slot) #>> '{}', r.status, to_json(r.finished_at) #>> '{}', r.error,
       COALESCE(f.failures, 0)
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


class FleetRow(NamedTuple):
    """One tenant's line on the fleet page."""

    id: int
    name: str
    account: str
    active: bool
    connection: str
    token_state: str
    token_expires_at: str | None
    last_error: str | None
    last_refresh_at: str | None
    run_slot: str | None
    run_status: str | None
    run_finished_at: str | None
    run_error: str | None
    failures_7d: int


@dataclass(frozen=True)
class Fleet:
    generated_at: str
    rows: list[FleetRow]

    def summary(self) -> dict[str, int]:
        def count(field: str, value: str) -> int:
            return sum(1 for row in self.rows if getattr(row, field) == value)

        return {
            "tenants": len(self.rows),
            "connected": count("connection", "connected"),
            "token_ok": count("token_state", "ok"),
            "token_expired": count("token_state", "expired"),
            "token_error": count("token_state", "error"),
            "last_run_failed": count("run_status", "failed"),
            "failures_7d": sum(row.failures_7d for row in self.rows),
        }

    def view(self) -> dict[str, Any]:
        """The JSON document of ``GET /api/v1/admin/fleet-health``."""
        return {
            "generated_at": self.generated_at,
            "summary": self.summary(),
            "tenants": [_tenant(r) for r in self.rows],
        }


def _tenant(row: FleetRow) -> dict[str, Any]:
    last_run = None
    if row.run_slot is not None:
        last_run = {
            "slot": row.run_slot,
            "status": row.run_status,
            "finished_at": row.run_finished_at,
            "error": row.run_error,
        }
    return {
        "id": row.id,
        "name": row.name,
        "account": row.account,
        "active": row.active,
        "connection": row.connection,
        "token_state": row.token_state,
        "token_expires_at": row.token_expires_at,
        "last_error": row.last_error,
        "last_refresh_at": row.last_refresh_at,
        "last_run": last_run,
        "failures_7d": row.failures_7d,
    }


async def compute_fleet(state: AppState) -> Fleet:
    now = state.clock.now_datetime()
    rows = await state.db.fetch_tuples(_FLEET, {"now": now, "since": now - FAILURE_WINDOW})
    return Fleet(now.isoformat(), [FleetRow._make(row) for row in rows])


async def fleet_health(state: AppState) -> Fleet:
    """The cached fleet of the current generation when there is one; else a fresh one, cached in the background."""
    generation = await state.cache.get(GENERATION_KEY) or "0"
    key = f"{CACHE_KEY}:{generation}"
    cached = await state.cache.get(key)
    if cached is not None:
        document = json.loads(cached)
        return Fleet(document["generated_at"], [FleetRow._make(row) for row in document["rows"]])
    fleet = await compute_fleet(state)
    encoded = json.dumps({"generated_at": fleet.generated_at, "rows": fleet.rows}, separators=(",", ":"))
    state.spawn(state.cache.set(key, encoded, CACHE_TTL_SECONDS))
    return fleet


async def invalidate_fleet(state: AppState) -> None:
    await state.cache.incr(GENERATION_KEY)


@admin_only
async def fleet_json_endpoint(request: Request) -> Response:
    fleet = await fleet_health(app_state(request))
    return Response(json.dumps(fleet.view(), separators=(",", ":")), media_type="application/json")


@admin_only
async def fleet_html_endpoint(request: Request) -> Response:
    fleet = await fleet_health(app_state(request))
    page = _TEMPLATES.get_template("fleet_health.html").render(
        generated_at=fleet.generated_at, summary=fleet.summary(), rows=fleet.rows
    )
    return HTMLResponse(page)
