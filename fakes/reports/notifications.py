"""Admin notifications: raised once per incident per tenant, counted while open, resolved on recovery.

"Once per incident" is the database's job: a partial unique index allows one open notification per
(kind, tenant). Raising it again while open only counts another occurrence; recovery resolves it, and the next
failure opens a new incident.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from fakes.reports.auth import admin_only
from fakes.reports.state import AppState, app_state

TOKEN_REFRESH_FAILED = "token_refresh_failed"
REPORT_SEND_FAILED = "report_send_failed"
CAMPAIGN_SEND_FAILED = "campaign_send_failed"
LIST_LIMIT = 500

_RAISE = """
INSERT INTO notifications (kind, tenant_id, message, created_at, last_seen_at)
VALUES (%(kind)s, %(tenant_id)s, %(message)s, %(now)s, %(now)s)
ON CONFLICT (kind, tenant_id) WHERE resolved_at IS NULL
DO UPDATE SET occurrences = notifications.occurrences + 1, last_seen_at = EXCLUDED.last_seen_at,
              message = EXCLUDED.message
RETURNING occurrences
"""

_RAISE_FOR_CAMPAIGN = """
INSERT INTO notifications (kind, campaign_id, message, created_at, last_seen_at)
VALUES (%(kind)s, %(campaign_id)s, %(message)s, %(now)s, %(now)s)
ON CONFLICT (kind, campaign_id) WHERE resolved_at IS NULL AND campaign_id IS NOT NULL
DO UPDATE SET occurrences = notifications.occurrences + 1, last_seen_at = EXCLUDED.last_seen_at,
              message = EXCLUDED.message
RETURNING occurrences
"""

_RESOLVE = """
UPDATE notifications SET resolved_at = %(now)s
WHERE kind = %(kind)s AND tenant_id = %(tenant_id)s AND resolved_at IS NULL
"""

_RESOLVE_FOR_CAMPAIGN = """
UPDATE notifications SET resolved_at = %(now)s
WHERE kind = %(kind)s AND campaign_id = %(campaign_id)s AND resolved_at IS NULL
"""


async def raise_notification(state: AppState, kind: str, tenant_id: int, message: str) -> bool:
    """Open (or count another occurrence of) the tenant's incident; True when this call opened it."""
    return await _raise(state, _RAISE, kind, {"tenant_id": tenant_id}, message)


async def resolve_notification(state: AppState, kind: str, tenant_id: int) -> None:
    await _resolve(state, _RESOLVE, kind, {"tenant_id": tenant_id})


async def raise_campaign_notification(state: AppState, kind: str, campaign_id: int, message: str) -> bool:
    """Open (or count another occurrence of) the campaign's incident; True when this call opened it."""
    return await _raise(state, _RAISE_FOR_CAMPAIGN, kind, {"campaign_id": campaign_id}, message)


async def resolve_campaign_notification(state: AppState, kind: str, campaign_id: int) -> None:
    await _resolve(state, _RESOLVE_FOR_CAMPAIGN, kind, {"campaign_id": campaign_id})


async def _raise(state: AppState, query: str, kind: str, subject: dict[str, int], message: str) -> bool:
    params = {"kind": kind, **subject, "message": message, "now": state.clock.now_datetime()}
    row = await state.db.fetch_one(query, params)
    opened = row is not None and row["occurrences"] == 1
    if opened:
        state.metrics.notifications.labels(kind).inc()
        state.log.emit("notification_raised", kind=kind, **subject, message=message)
    return opened


async def _resolve(state: AppState, query: str, kind: str, subject: dict[str, int]) -> None:
    params = {"kind": kind, **subject, "now": state.clock.now_datetime()}
    if await state.db.execute(query, params):
        state.log.emit("notification_resolved", kind=kind, **subject)


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def _view(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": row["id"],
        "kind": row["kind"],
        "tenant_id": row["tenant_id"],
        "campaign_id": row["campaign_id"],
        "message": row["message"],
        "occurrences": row["occurrences"],
        "created_at": _iso(row["created_at"]),
        "last_seen_at": _iso(row["last_seen_at"]),
        "resolved_at": _iso(row["resolved_at"]),
    }


async def list_notifications(
    state: AppState,
    kind: str | None = None,
    tenant_id: int | None = None,
    open_only: bool = False,
    campaign_id: int | None = None,
) -> list[dict[str, Any]]:
    """Newest first, at most ``LIST_LIMIT``."""
    rows = await state.db.fetch_all(
        """SELECT * FROM notifications
           WHERE (%(kind)s::text IS NULL OR kind = %(kind)s)
             AND (%(tenant_id)s::bigint IS NULL OR tenant_id = %(tenant_id)s)
             AND (%(campaign_id)s::bigint IS NULL OR campaign_id = %(campaign_id)s)
             AND (NOT %(open_only)s OR resolved_at IS NULL)
           ORDER BY id DESC LIMIT %(limit)s""",
        {"kind": kind, "tenant_id": tenant_id, "campaign_id": campaign_id, "open_only": open_only, "limit": LIST_LIMIT},
    )
    return [_view(row) for row in rows]


@admin_only
async def notifications_endpoint(request: Request) -> Response:
    """``GET /api/v1/admin/notifications?kind=&tenant_id=&campaign_id=&open=true``."""
    query = request.query_params
    ids: dict[str, int | None] = {}
    for name in ("tenant_id", "campaign_id"):
        given = query.get(name)
        if given is not None and not given.isdigit():
            return JSONResponse({"error": f"invalid_{name}"}, status_code=400)
        ids[name] = int(given) if given is not None else None
    found = await list_notifications(
        app_state(request),
        kind=query.get("kind") or None,
        tenant_id=ids["tenant_id"],
        campaign_id=ids["campaign_id"],
        open_only=query.get("open", "").lower() in ("1", "true", "yes"),
    )
    return JSONResponse({"notifications": found})
