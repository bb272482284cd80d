"""Admin notifications: raised once per incident per subject, counted while open, resolved on recovery.

Each product's notifications are about one kind of subject (the reports' about a tenant, the vouchers' about a
campaign): a row of the subject's table, named in a column of its own (``tenant_id``, ``campaign_id``).
"Once per incident" is the database's job: a partial unique index allows one open notification per (kind,
subject). Raising it again while open only counts another occurrence; recovery resolves it, and the next failure
opens a new incident.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from fakes.kit.auth import Endpoint, admin_only
from fakes.kit.state import KitState, kit_state

LIST_LIMIT = 500


class Notifications:
    """The notifications of a product whose subjects are rows of ``table``, named in the column ``subject``."""

    def __init__(self, subject: str, table: str) -> None:
        self.subject = subject
        self.table = table
        self._raise = f"""
            INSERT INTO notifications (kind, {subject}, message, created_at, last_seen_at)
            VALUES (%(kind)s, %(subject)s, %(message)s, %(now)s, %(now)s)
            ON CONFLICT (kind, {subject}) WHERE resolved_at IS NULL
            DO UPDATE SET occurrences = notifications.occurrences + 1, last_seen_at = EXCLUDED.last_seen_at,
                          message = EXCLUDED.message
            RETURNING occurrences"""
        self._resolve = f"""
            UPDATE notifications SET resolved_at = %(now)s
            WHERE kind = %(kind)s AND {subject} = %(subject)s AND resolved_at IS NULL"""
        self._list = f"""
            SELECT * FROM notifications
            WHERE (%(kind)s::text IS NULL OR kind = %(kind)s)
              AND (%(subject)s::bigint IS NULL OR {subject} = %(subject)s)
              AND (NOT %(open_only)s OR resolved_at IS NULL)
            ORDER BY id DESC LIMIT %(limit)s"""

    def schema(self) -> tuple[str, ...]:
        """The table and its one-open-incident index, for the product's migration (after ``table``'s)."""
        return (
            f"""CREATE TABLE IF NOT EXISTS notifications (
                id bigserial PRIMARY KEY,
                kind text NOT NULL,
                {self.subject} bigint REFERENCES {self.table} (id) ON DELETE CASCADE,
                message text NOT NULL,
                occurrences integer NOT NULL DEFAULT 1,
                created_at timestamptz NOT NULL,
                last_seen_at timestamptz NOT NULL,
                resolved_at timestamptz)""",
            f"""CREATE UNIQUE INDEX IF NOT EXISTS notifications_one_open_per_incident
                ON notifications (kind, {self.subject}) WHERE resolved_at IS NULL""",
        )

    async def notify(self, state: KitState, kind: str, subject_id: int, message: str) -> bool:
        """Open (or count another occurrence of) the subject's incident; True when this call opened it."""
        params = {"kind": kind, "subject": subject_id, "message": message, "now": state.clock.now_datetime()}
        row = await state.db.fetch_one(self._raise, params)
        opened = row is not None and row["occurrences"] == 1
        if opened:
            state.metrics.notifications.labels(kind).inc()
            state.log.emit("notification_raised", kind=kind, **{self.subject: subject_id}, message=message)
        return opened

    async def resolve(self, state: KitState, kind: str, subject_id: int) -> None:
        params = {"kind": kind, "subject": subject_id, "now": state.clock.now_datetime()}
        if await state.db.execute(self._resolve, params):
            state.log.emit("notification_resolved", kind=kind, **{self.subject: subject_id})

    async def listing(
        self, state: KitState, kind: str | None = None, subject_id: int | None = None, open_only: bool = False
    ) -> list[dict[str, Any]]:
        """Newest first, at most ``LIST_LIMIT``."""
        params = {"kind": kind, "subject": subject_id, "open_only": open_only, "limit": LIST_LIMIT}
        return [self._view(row) for row in await state.db.fetch_all(self._list, params)]

    def _view(self, row: dict[str, Any]) -> dict[str, Any]:
        return {
            "id": row["id"],
            "kind": row["kind"],
            self.subject: row[self.subject],
            "message": row["message"],
            "occurrences": row["occurrences"],
            "created_at": _iso(row["created_at"]),
            "last_seen_at": _iso(row["last_seen_at"]),
            "resolved_at": _iso(row["resolved_at"]),
        }

    def endpoint(self) -> Endpoint:
        """``GET /api/v1/admin/notifications?kind=&<subject>=&open=true``, for admins."""

        @admin_only
        async def notifications_endpoint(request: Request) -> Response:
            query = request.query_params
            given = query.get(self.subject)
            if given is not None and not given.isdigit():
                return JSONResponse({"error": f"invalid_{self.subject}"}, status_code=400)
            found = await self.listing(
                kit_state(request),
                kind=query.get("kind") or None,
                subject_id=int(given) if given is not None else None,
                open_only=query.get("open", "").lower() in ("1", "true", "yes"),
            )
            return JSONResponse({"notifications": found})

        return notifications_endpoint


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()
