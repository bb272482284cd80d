"""Scheduled reports: pull each due tenant's timesheets, email the report, record the run.

A slot is never sent twice. One statement claims the runs of a slot: it inserts a ``sending`` row per due
tenant, and on the UNIQUE (tenant, slot) conflict takes the row over only when its last attempt failed (or a
``sending`` row was abandoned by a crashed process). Whoever did not get the claim skips. The mail provider's
``Idempotency-Key`` (tenant + slot) makes even a retried send deliver at most once.
"""

from __future__ import annotations

import asyncio
import json
from collections import defaultdict
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from fakes.kit.auth import secrets_match
from fakes.kit.clock import parse_time
from fakes.kit.providers import ProviderError
from fakes.reports.fleet import invalidate_fleet
from fakes.reports.oauth import Connection, TokenUnavailable, access_token
from fakes.reports.schema import NOTIFICATIONS, REPORT_SEND_FAILED
from fakes.reports.state import AppState, app_state
from fakes.reports.tenants import Tenant
from fakes.reports.timetracking import TimeEntry

# A ``sending`` row older than this (wall seconds) was left by a process that died mid-run: it may be retaken.
ABANDONED_AFTER_WALL_SECONDS = 60.0

_CLAIM = """
WITH due AS (
    SELECT t.id, t.name, t.account, t.email,
           c.status, c.token_state, c.access_token, c.refresh_token, c.expires_at, c.last_error,
           EXISTS (SELECT 1 FROM notifications n WHERE n.kind = 'report_send_failed' AND n.tenant_id = t.id
                   AND n.resolved_at IS NULL) AS open_send_failure
    FROM tenants t JOIN connections c ON c.tenant_id = t.id
    WHERE (%(tenant_id)s::bigint IS NULL AND t.active AND c.status <> 'disconnected') OR t.id = %(tenant_id)s
), claimed AS (
    INSERT INTO report_runs (tenant_id, slot, status, started_at)
    SELECT id, %(slot)s, 'sending', %(now)s FROM due
    ON CONFLICT ON CONSTRAINT report_runs_once_per_slot DO UPDATE
        SET status = 'sending', attempts = report_runs.attempts + 1, started_at = EXCLUDED.started_at,
            error = NULL
        WHERE report_runs.status = 'failed'
           OR (report_runs.status = 'sending' AND report_runs.started_at < %(abandoned_before)s)
    RETURNING tenant_id
)
SELECT due.*, claimed.tenant_id IS NOT NULL AS claimed FROM due LEFT JOIN claimed ON claimed.tenant_id = due.id
ORDER BY due.id
"""

_FINISH = """
UPDATE report_runs SET status = %(status)s, error = %(error)s, message_id = %(message_id)s,
    finished_at = %(now)s,
    failures = failures + CASE WHEN %(failed)s THEN 1 ELSE 0 END,
    last_failed_at = CASE WHEN %(failed)s THEN %(now)s ELSE last_failed_at END
WHERE tenant_id = %(tenant_id)s AND slot = %(slot)s AND status = 'sending'
"""


@dataclass(frozen=True)
class TickSummary:
    """What one call of the internal endpoint did; ``due == sent + failed + skipped``."""

    slot: str
    due: int
    sent: int
    failed: int
    skipped: int


@dataclass(frozen=True)
class RunOutcome:
    tenant_id: int
    status: str
    error: str | None = None


def report_slot(moment: datetime, interval_seconds: float) -> datetime:
    """The report slot a moment falls in: slots start at whole multiples of the interval (scenario time)."""
    start = moment.timestamp() // interval_seconds * interval_seconds
    return datetime.fromtimestamp(start, tz=UTC)


async def run_due_reports(state: AppState, moment: datetime, tenant_id: int | None = None) -> TickSummary:
    """Claim and run the reports due in the slot of ``moment`` (for every tenant, or for one), concurrently."""
    slot = report_slot(moment, state.settings.report_interval)
    due = await _claim(state, slot, tenant_id)
    claimed = [Claim.of(row) for row in due if row["claimed"]]
    gate = asyncio.Semaphore(state.settings.report_concurrency)

    async def bounded(claim: Claim) -> RunOutcome:
        async with gate:
            return await run_report(state, claim, slot)

    # Every run ends before the tick answers, even when one of them raised (the database went away mid-tick).
    results = await asyncio.gather(*(bounded(claim) for claim in claimed), return_exceptions=True)
    await invalidate_fleet(state)
    for result in results:
        if isinstance(result, BaseException):
            raise result
    outcomes = [result for result in results if isinstance(result, RunOutcome)]
    sent = sum(1 for outcome in outcomes if outcome.status == "sent")
    skipped = len(due) - len(claimed)
    state.metrics.report_runs.labels("skipped").inc(skipped)
    return TickSummary(slot.isoformat(), len(due), sent, len(outcomes) - sent, skipped)


async def _claim(state: AppState, slot: datetime, tenant_id: int | None) -> list[dict[str, Any]]:
    now = state.clock.now_datetime()
    abandoned = timedelta(seconds=ABANDONED_AFTER_WALL_SECONDS * state.clock.scale)
    params = {"slot": slot, "now": now, "abandoned_before": now - abandoned, "tenant_id": tenant_id}
    return await state.db.fetch_all(_CLAIM, params)


@dataclass(frozen=True)
class Claim:
    """A run this process claimed, with what the claim read about the tenant on the way."""

    tenant: Tenant
    connection: Connection
    open_send_failure: bool

    @classmethod
    def of(cls, row: dict[str, Any]) -> Claim:
        fields = ("status", "token_state", "access_token", "refresh_token", "expires_at", "last_error")
        return cls(
            tenant=Tenant(row["id"], row["name"], row["account"], row["email"]),
            connection=Connection(row["id"], *(row[name] for name in fields)),
            open_send_failure=row["open_send_failure"],
        )


async def run_report(state: AppState, claim: Claim, slot: datetime) -> RunOutcome:
    """One claimed run: token, timesheets, mail; the run row and the notifications record how it went."""
    tenant = claim.tenant
    try:
        entries = await _timesheets(state, claim, slot)
    except TokenUnavailable as error:
        # The token's own notification (token_refresh_failed) already speaks for this failure.
        return await _finish(state, tenant, slot, error=f"token: {error.code}")
    except ProviderError as error:
        return await _failed(state, tenant, slot, f"timetracking: {error.code}")
    try:
        message = await state.mail.send(
            tenant.email, _subject(tenant, slot), report_text(tenant, slot, entries), _idempotency_key(tenant, slot)
        )
    except ProviderError as error:
        return await _failed(state, tenant, slot, f"mail: {error.code}")
    if claim.open_send_failure:
        await NOTIFICATIONS.resolve(state, REPORT_SEND_FAILED, tenant.id)
    return await _finish(state, tenant, slot, message_id=message.id, duplicate=message.duplicate)


async def _timesheets(state: AppState, claim: Claim, slot: datetime) -> list[TimeEntry]:
    tenant = claim.tenant
    start = (slot - timedelta(seconds=state.settings.report_interval)).date()
    token = await access_token(state, tenant, known=claim.connection)
    try:
        return await state.timetracking.timesheets(token, start, slot.date())
    except ProviderError as error:
        if error.code != "invalid_token":
            raise
    # The provider no longer honours a token we thought valid (revoked, provider restarted): refresh once.
    token = await access_token(state, tenant, force_refresh=True)
    return await state.timetracking.timesheets(token, start, slot.date())


async def _failed(state: AppState, tenant: Tenant, slot: datetime, error: str) -> RunOutcome:
    message = f"the report of tenant {tenant.id} ({tenant.account}) for {slot.isoformat()} was not sent: {error}"
    await NOTIFICATIONS.notify(state, REPORT_SEND_FAILED, tenant.id, message)
    return await _finish(state, tenant, slot, error=error)


async def _finish(
    state: AppState,
    tenant: Tenant,
    slot: datetime,
    error: str | None = None,
    message_id: str | None = None,
    duplicate: bool = False,
) -> RunOutcome:
    status = "failed" if error else "sent"
    params = {"status": status, "error": error, "message_id": message_id, "failed": error is not None}
    await state.db.execute(_FINISH, {**params, "now": state.clock.now_datetime(), "tenant_id": tenant.id, "slot": slot})
    state.metrics.report_runs.labels(status).inc()
    if error:
        state.log.emit("report_failed", tenant_id=tenant.id, slot=slot.isoformat(), error=error)
    else:
        state.log.emit(
            "report_sent", tenant_id=tenant.id, slot=slot.isoformat(), message_id=message_id, duplicate=duplicate
        )
    return RunOutcome(tenant.id, status, error)


def _idempotency_key(tenant: Tenant, slot: datetime) -> str:
    return f"report-{tenant.id}-{int(slot.timestamp())}"


def _subject(tenant: Tenant, slot: datetime) -> str:
    return f"Timesheet report for {tenant.name}, {slot:%Y-%m-%d %H:%M} UTC"


def report_text(tenant: Tenant, slot: datetime, entries: list[TimeEntry]) -> str:
    hours: dict[str, float] = defaultdict(float)
    for entry in entries:
        hours[entry.project] += entry.hours
    lines = [f"Timesheet report for {tenant.name} ({tenant.account}), slot {slot.isoformat()}", ""]
    lines += [f"{project}: {total:.2f} h" for project, total in sorted(hours.items())]
    lines += ["", f"Total: {sum(hours.values()):.2f} h in {len(entries)} entries"]
    return "\n".join(lines)


async def run_due_reports_endpoint(request: Request) -> Response:
    """``POST /api/v1/internal/run-due-reports``: the scheduler's tick, guarded by the shared secret."""
    state = app_state(request)
    if not secrets_match(request.headers.get("x-scheduler-secret"), state.settings.scheduler_secret):
        client = request.client.host if request.client else None
        state.log.emit("internal_forbidden", path=request.url.path, client=client)
        return JSONResponse({"error": "forbidden"}, status_code=403)
    moment = await _requested_slot(request, state)
    if moment is None:
        return JSONResponse({"error": "invalid_slot", "detail": 'expected {"slot": "<ISO 8601 time>"}'}, 400)
    summary = await run_due_reports(state, moment)
    state.log.emit("tick", **asdict(summary))
    return JSONResponse(asdict(summary))


async def _requested_slot(request: Request, state: AppState) -> datetime | None:
    """The body's slot; an empty body or one without a slot means now."""
    body = await request.body()
    if not body.strip():
        return state.clock.now_datetime()
    try:
        payload = json.loads(body)
    except ValueError:
        return None
    if not isinstance(payload, dict):
        return None
    return parse_time(payload["slot"]) if "slot" in payload else state.clock.now_datetime()
