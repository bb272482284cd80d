"""The campaign dispatcher: a background task that sends each running campaign's due targets, a batch per tick.

Ticks fall on a fixed grid of ``DISPATCH_INTERVAL`` scenario seconds (in wall time, never closer than 50 ms);
a tick that overruns skips the boundaries it missed rather than bunching them. A failing tick (the database
away) is logged and counted, and the next one runs as usual.

A target is never sent twice. A batch runs in one transaction that holds its campaign's row (``FOR NO KEY UPDATE
SKIP LOCKED``: another dispatcher skips the campaign meanwhile, and a pause waits for the batch to end) and its
targets' rows (``FOR UPDATE SKIP LOCKED``), sends, records every outcome, and commits. Should the commit be lost
after a send, the next batch sends that target again with the same ``Idempotency-Key``, and the provider answers
its first message without sending a second.

A 429 halts the batch (sends not yet started wait for the next one) and backs the whole campaign off until its
Retry-After has passed. ``campaign_send_failed`` is raised when a campaign's last ``FAILING_STREAK`` attempts
all failed (the 429s of one batch counting once), and resolved by its next successful send.
"""

from __future__ import annotations

import asyncio
import math
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from fakes.kit.clock import sleep_until
from fakes.kit.db import OPERATION_TIMEOUT_SECONDS, Connection
from fakes.vouchers.campaign_sends import OUTCOMES, Attempt, Target, send_budget, send_to
from fakes.vouchers.schema import CAMPAIGN_SEND_FAILED, NOTIFICATIONS
from fakes.vouchers.state import AppState

MIN_PERIOD_WALL_SECONDS = 0.05
FAILING_STREAK = 3

_RUNNING = """
SELECT id FROM campaigns
WHERE status = 'running' AND (backoff_until IS NULL OR backoff_until <= %(now)s) ORDER BY id
"""

_CLAIM_CAMPAIGN = """
SELECT id, name, body, last_error, backoff_until, failure_streak FROM campaigns
WHERE id = %(id)s AND status = 'running' AND (backoff_until IS NULL OR backoff_until <= %(now)s)
FOR NO KEY UPDATE SKIP LOCKED
"""

_CLAIM_TARGETS = """
SELECT id, recipient, attempts FROM campaign_targets
WHERE campaign_id = %(id)s AND status = 'pending' AND next_attempt_at <= %(now)s
ORDER BY next_attempt_at, id LIMIT %(batch)s
FOR UPDATE SKIP LOCKED
"""

_RECORD_TARGET = """
UPDATE campaign_targets SET status = %(status)s, attempts = attempts + %(counted)s, last_error = %(error)s,
    next_attempt_at = COALESCE(%(next_attempt_at)s, next_attempt_at), message_id = %(message_id)s,
    sent_at = %(sent_at)s
WHERE id = %(id)s
"""

_RECORD_FAILURE = """
INSERT INTO campaign_send_failures (campaign_id, target_id, error, at)
VALUES (%(campaign_id)s, %(id)s, %(error)s, %(at)s)
"""

_RECORD_CAMPAIGN = """
UPDATE campaigns SET failure_streak = %(streak)s, last_error = %(last_error)s, backoff_until = %(backoff_until)s
WHERE id = %(id)s
"""

_FINISH = """
UPDATE campaigns SET status = 'finished', finished_at = %(now)s
WHERE id = %(id)s AND status = 'running'
  AND NOT EXISTS (SELECT 1 FROM campaign_targets WHERE campaign_id = %(id)s AND status = 'pending')
RETURNING (SELECT count(*) FROM campaign_targets WHERE campaign_id = %(id)s AND status = 'sent') AS sent,
          (SELECT count(*) FROM campaign_targets WHERE campaign_id = %(id)s AND status = 'failed') AS failed
"""


@dataclass(frozen=True)
class Claimed:
    """A running campaign this dispatcher holds for one batch, as it stood before the batch."""

    id: int
    name: str
    body: str
    last_error: str | None
    backoff_until: datetime | None
    failure_streak: int


@dataclass(frozen=True)
class Verdict:
    """What a batch leaves on its campaign."""

    streak: int
    last_error: str | None
    backoff_until: datetime | None


@dataclass(frozen=True)
class TickSummary:
    """What one tick did: campaigns it looked at, and its send attempts by outcome."""

    campaigns: int
    sent: int = 0
    rate_limited: int = 0
    error: int = 0
    failed: int = 0


def dispatch_period(interval: float, scale: float) -> float:
    """Scenario seconds between ticks: ``DISPATCH_INTERVAL``, but never under 50 ms of wall time."""
    return max(interval, MIN_PERIOD_WALL_SECONDS * scale)


def next_tick(previous: float, period: float, now: float) -> float:
    """The first boundary after ``now`` on the grid ``previous + k * period``: missed ticks are skipped."""
    missed = max(0, math.floor((now - previous) / period))
    return previous + (missed + 1) * period


async def run_dispatcher(state: AppState) -> None:
    """Tick until cancelled (the app's shut-down), on the world's scenario time: a held clock holds it too."""
    clock = state.clock
    period = dispatch_period(state.settings.dispatch_interval, clock.scale)
    state.dispatcher.running = True
    due = clock.now() + period
    try:
        while True:
            await sleep_until(clock, due, asyncio.sleep)
            await _guarded_tick(state)
            due = next_tick(due, period, clock.now())
    finally:
        state.dispatcher.running = False


async def _guarded_tick(state: AppState) -> None:
    """One tick that cannot end the loop; a run of failures with one cause is logged once, and so is the recovery."""
    status = state.dispatcher
    try:
        await dispatch_tick(state)
    except Exception as error:  # whatever one tick met, the dispatcher must live to tick again
        status.failed_ticks += 1
        state.metrics.dispatch_ticks.labels("error").inc()
        if status.last_error != type(error).__name__:
            state.log.emit("dispatch_failed", error=type(error).__name__)
        status.last_error = type(error).__name__
        return
    status.ticks += 1
    status.last_tick_at = state.clock.now_datetime()
    state.metrics.dispatch_ticks.labels("ok").inc()
    if status.last_error is not None:
        state.log.emit("dispatch_recovered", failed_ticks=status.failed_ticks)
        status.last_error = None


async def dispatch_tick(state: AppState) -> TickSummary:
    """One batch for each running campaign out of backoff, one campaign after the other."""
    campaigns = await state.db.fetch_all(_RUNNING, {"now": state.clock.now_datetime()})
    outcomes: Counter[str] = Counter()
    for campaign in campaigns:
        outcomes.update(attempt.outcome for attempt in await dispatch_campaign(state, campaign["id"]))
    pending = await state.db.fetch_one("SELECT count(*) AS pending FROM campaign_targets WHERE status = 'pending'")
    state.metrics.campaign_targets_pending.set(pending["pending"] if pending else 0)
    return TickSummary(len(campaigns), **{outcome: outcomes[outcome] for outcome in OUTCOMES})


async def dispatch_campaign(state: AppState, campaign_id: int) -> list[Attempt]:
    """One batch of one campaign; answers its attempts (none when the campaign is not the dispatcher's now)."""
    settings = state.settings
    waves = math.ceil(settings.dispatch_batch / settings.dispatch_concurrency)
    budget = OPERATION_TIMEOUT_SECONDS + waves * send_budget(settings.http_timeout)
    async with state.db.connection(budget=budget) as conn, conn.transaction():
        campaign = await _claim_campaign(conn, campaign_id, state.clock.now_datetime())
        if campaign is None:
            return []
        targets = await _claim_targets(conn, campaign.id, state.clock.now_datetime(), settings.dispatch_batch)
        attempts = await _send_batch(state, campaign, targets)
        verdict = judge_batch(campaign, attempts)
        await _record(conn, campaign, attempts, verdict)
        finished = await _finish(conn, campaign.id, state.clock.now_datetime())
    _report(state, campaign, attempts, verdict, len(targets))
    if finished is not None:
        state.log.emit("campaign_finished", campaign_id=campaign.id, sent=finished["sent"], failed=finished["failed"])
    await _notify(state, campaign, attempts, verdict)
    return attempts


async def _claim_campaign(conn: Connection, campaign_id: int, now: datetime) -> Claimed | None:
    cursor = await conn.execute(_CLAIM_CAMPAIGN, {"id": campaign_id, "now": now})
    row = await cursor.fetchone()
    return None if row is None else Claimed(**row)


async def _claim_targets(conn: Connection, campaign_id: int, now: datetime, batch: int) -> list[Target]:
    cursor = await conn.execute(_CLAIM_TARGETS, {"id": campaign_id, "now": now, "batch": batch})
    return [Target(**row) for row in await cursor.fetchall()]


async def _send_batch(state: AppState, campaign: Claimed, targets: list[Target]) -> list[Attempt]:
    """Send ``DISPATCH_CONCURRENCY`` at a time; after a 429 no further send starts. Attempts in completion order."""
    gate = asyncio.Semaphore(state.settings.dispatch_concurrency)
    attempts: list[Attempt] = []

    async def one(target: Target) -> None:
        async with gate:
            if any(attempt.outcome == "rate_limited" for attempt in attempts):
                return
            attempts.append(await send_to(state, campaign.id, campaign.body, target))

    async with asyncio.TaskGroup() as group:
        for target in targets:
            group.create_task(one(target))
    return attempts


def judge_batch(campaign: Claimed, attempts: list[Attempt]) -> Verdict:
    """The failure streak and last error after these attempts, and the backoff a 429 asked for.

    The 429s that end a batch are one refusal however many sends were in flight: a provider that paces the
    campaign (a refusal, then success after Retry-After) never makes a streak, one that keeps refusing does.
    """
    streak, last_error = campaign.failure_streak, campaign.last_error
    previous: Attempt | None = None
    for attempt in attempts:
        if attempt.outcome == "sent":
            streak, last_error = 0, None
        elif not (attempt.outcome == "rate_limited" and previous is not None and previous.outcome == "rate_limited"):
            streak, last_error = streak + 1, attempt.error
        previous = attempt
    waits = [a.at + timedelta(seconds=a.wait or 0.0) for a in attempts if a.outcome == "rate_limited"]
    if waits:
        return Verdict(streak, last_error, max(waits))
    recovered = any(attempt.outcome == "sent" for attempt in attempts)
    return Verdict(streak, last_error, None if recovered else campaign.backoff_until)


def _target_row(campaign: Claimed, attempt: Attempt) -> dict[str, Any]:
    waited = None if attempt.wait is None else attempt.at + timedelta(seconds=attempt.wait)
    sent = attempt.outcome == "sent"
    return {
        "id": attempt.target.id,
        "campaign_id": campaign.id,
        "status": "sent" if sent else "failed" if attempt.outcome == "failed" else "pending",
        "counted": int(attempt.counted),
        "error": attempt.error,
        "next_attempt_at": waited,
        "message_id": attempt.message_id,
        "sent_at": attempt.at if sent else None,
        "at": attempt.at,
    }


async def _record(conn: Connection, campaign: Claimed, attempts: list[Attempt], verdict: Verdict) -> None:
    if not attempts:
        return
    rows = [_target_row(campaign, attempt) for attempt in attempts]
    async with conn.cursor() as cursor:
        await cursor.executemany(_RECORD_TARGET, rows)
        failures = [row for row in rows if row["status"] != "sent"]
        if failures:
            await cursor.executemany(_RECORD_FAILURE, failures)
    verdict_row = {"id": campaign.id, "streak": verdict.streak, "last_error": verdict.last_error}
    await conn.execute(_RECORD_CAMPAIGN, {**verdict_row, "backoff_until": verdict.backoff_until})


async def _finish(conn: Connection, campaign_id: int, now: datetime) -> dict[str, Any] | None:
    cursor = await conn.execute(_FINISH, {"id": campaign_id, "now": now})
    return await cursor.fetchone()


def _report(state: AppState, campaign: Claimed, attempts: list[Attempt], verdict: Verdict, claimed: int) -> None:
    """Metrics for every attempt, and a log line for each decision to wait or to give up."""
    limited = [attempt for attempt in attempts if attempt.outcome == "rate_limited"]
    for attempt in attempts:
        state.metrics.campaign_sends.labels(attempt.outcome).inc()
        if attempt.outcome in ("error", "failed"):
            event = "campaign_send_retry" if attempt.outcome == "error" else "campaign_target_failed"
            state.log.emit(
                event,
                campaign_id=campaign.id,
                target_id=attempt.target.id,
                error=attempt.error,
                attempts=attempt.target.attempts + 1,
                retry_in=attempt.wait,
            )
    if limited and verdict.backoff_until is not None:
        state.log.emit(
            "campaign_rate_limited",
            campaign_id=campaign.id,
            refused=len(limited),
            deferred=claimed - len(attempts),
            retry_after=max(attempt.wait or 0.0 for attempt in limited),
            backoff_until=verdict.backoff_until.isoformat(),
        )


async def _notify(state: AppState, campaign: Claimed, attempts: list[Attempt], verdict: Verdict) -> None:
    if not attempts:
        return
    if verdict.streak >= FAILING_STREAK:
        message = (
            f"campaign {campaign.id} ({campaign.name}): the last {verdict.streak} sends failed, "
            f"the latest with {verdict.last_error}"
        )
        await NOTIFICATIONS.notify(state, CAMPAIGN_SEND_FAILED, campaign.id, message)
    elif campaign.failure_streak > 0 and any(attempt.outcome == "sent" for attempt in attempts):
        await NOTIFICATIONS.resolve(state, CAMPAIGN_SEND_FAILED, campaign.id)
