"""Messaging campaigns: a body sent by text message to each of a list of recipients, as records and their rules.

A campaign is ``draft``, ``running``, ``paused`` or ``finished``; only ``start`` (draft to running), ``pause``
(running to paused) and ``resume`` (paused to running) move it by hand, and the dispatcher (``dispatcher``)
finishes it once none of its targets is ``pending``. Recipients are phone numbers drawn from the world's seed: the
world has one audience, and a campaign of N targets goes to its first N numbers, so runs are reproducible.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from faker import Faker

from fakes.kit.db import SEED_BUDGET_SECONDS, Connection, first_start
from fakes.vouchers.state import AppState

MAX_TARGETS = 100_000
MAX_NAME = 200
MAX_BODY = 1600
LIST_LIMIT = 500
# "Recent" send failures: what a monitor of rising failures reads (scenario time).
FAILURE_WINDOW = timedelta(minutes=5)
SEED_NAME = "weekly-digest"
SEED_BODY = "Your weekly digest is ready: 3 new vouchers and 1 event near you. Reply STOP to opt out."


@dataclass(frozen=True)
class Transition:
    """A move a person may make: from one status to another."""

    action: str
    source: str
    target: str
    done: str


TRANSITIONS = {
    "start": Transition("start", "draft", "running", "started"),
    "pause": Transition("pause", "running", "paused", "paused"),
    "resume": Transition("resume", "paused", "running", "resumed"),
}


class TransitionRefused(Exception):
    """The campaign is not in the status the transition starts from."""

    def __init__(self, campaign_id: int, status: str, transition: Transition) -> None:
        super().__init__(
            f"campaign {campaign_id} is {status}: only a {transition.source} campaign can be {transition.done}"
        )
        self.status = status


class UnknownCampaign(Exception):
    """No campaign has this id."""


def audience(count: int, seed: int) -> list[str]:
    """The first ``count`` phone numbers (E.164, +1 and ten digits) of the world's audience, all different."""
    fake = Faker()
    fake.seed_instance(seed)
    numbers: dict[str, None] = {}
    while len(numbers) < count:
        numbers.setdefault(f"+1{fake.random_int(2_000_000_000, 9_999_999_999)}", None)
    return list(numbers)


async def insert_campaign(
    conn: Connection, name: str, body: str, recipients: list[str], running: bool, now: datetime
) -> int:
    """One campaign and its targets (all due now), in the caller's transaction; answers the campaign's id."""
    cursor = await conn.execute(
        """INSERT INTO campaigns (name, body, status, created_at, started_at)
           VALUES (%(name)s, %(body)s, %(status)s, %(now)s, CASE WHEN %(running)s THEN %(now)s END) RETURNING id""",
        {"name": name, "body": body, "status": "running" if running else "draft", "now": now, "running": running},
    )
    row = await cursor.fetchone()
    if row is None:
        raise RuntimeError("INSERT ... RETURNING answered no row")
    campaign_id: int = row["id"]
    copy_sql = "COPY campaign_targets (campaign_id, recipient, next_attempt_at) FROM STDIN"
    async with conn.cursor().copy(copy_sql) as copy:
        for recipient in recipients:
            await copy.write_row((campaign_id, recipient, now))
    return campaign_id


async def create_campaign(state: AppState, name: str, body: str, targets: int, start: bool) -> int:
    recipients = audience(targets, state.settings.seed)
    async with state.db.connection(budget=SEED_BUDGET_SECONDS) as conn, conn.transaction():
        campaign_id = await insert_campaign(conn, name, body, recipients, start, state.clock.now_datetime())
    state.log.emit("campaign_created", campaign_id=campaign_id, targets=targets, started=start)
    return campaign_id


async def seed_campaign(state: AppState) -> int | None:
    """On first start, with ``CAMPAIGN_SEED_TARGETS`` > 0: one running campaign, so a world has one in flight."""
    count = state.settings.campaign_seed_targets
    if count == 0:
        return None
    async with first_start(state.db, "campaigns") as conn:
        if conn is None:
            return None
        recipients = audience(count, state.settings.seed)
        campaign_id = await insert_campaign(conn, SEED_NAME, SEED_BODY, recipients, True, state.clock.now_datetime())
    state.log.emit("campaign_created", campaign_id=campaign_id, targets=count, started=True, seeded=True)
    return campaign_id


async def transition(state: AppState, campaign_id: int, action: str) -> None:
    """Move the campaign, or raise ``UnknownCampaign`` / ``TransitionRefused``.

    Pausing waits for the dispatcher's batch in flight on this campaign (it holds the campaign's row): once pause
    answers, nothing more is sent.
    """
    move = TRANSITIONS[action]
    moved = await state.db.execute(
        """UPDATE campaigns SET status = %(target)s, started_at = COALESCE(started_at, %(now)s)
           WHERE id = %(id)s AND status = %(source)s""",
        {"target": move.target, "source": move.source, "id": campaign_id, "now": state.clock.now_datetime()},
    )
    if moved:
        state.log.emit(f"campaign_{move.done}", campaign_id=campaign_id)
        return
    row = await state.db.fetch_one("SELECT status FROM campaigns WHERE id = %s", (campaign_id,))
    if row is None:
        raise UnknownCampaign(campaign_id)
    raise TransitionRefused(campaign_id, row["status"], move)


_VIEW = """
SELECT c.id, c.name, c.body, c.status, c.created_at, c.started_at, c.finished_at, c.last_error, c.backoff_until,
       c.failure_streak, t.pending, t.sent, t.failed, t.last_sent_at,
       (SELECT count(*) FROM campaign_send_failures f
        WHERE f.campaign_id = c.id AND f.at >= %(since)s) AS failures_recent
FROM campaigns c
CROSS JOIN LATERAL (
    SELECT count(*) FILTER (WHERE status = 'pending') AS pending,
           count(*) FILTER (WHERE status = 'sent') AS sent,
           count(*) FILTER (WHERE status = 'failed') AS failed,
           max(sent_at) AS last_sent_at
    FROM campaign_targets WHERE campaign_id = c.id
) t
WHERE %(id)s::bigint IS NULL OR c.id = %(id)s
ORDER BY c.id DESC LIMIT %(limit)s
"""


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def _view(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": row["id"],
        "name": row["name"],
        "body": row["body"],
        "status": row["status"],
        "created_at": _iso(row["created_at"]),
        "started_at": _iso(row["started_at"]),
        "finished_at": _iso(row["finished_at"]),
        "last_error": row["last_error"],
        "backoff_until": _iso(row["backoff_until"]),
        "targets": {"pending": row["pending"], "sent": row["sent"], "failed": row["failed"]},
        "failures_recent": row["failures_recent"],
        "consecutive_failures": row["failure_streak"],
        "last_sent_at": _iso(row["last_sent_at"]),
    }


async def campaign_views(state: AppState, campaign_id: int | None = None) -> list[dict[str, Any]]:
    """Every campaign (newest first, at most ``LIST_LIMIT``) or the one asked for, with its targets counted."""
    since = state.clock.now_datetime() - FAILURE_WINDOW
    rows = await state.db.fetch_all(_VIEW, {"id": campaign_id, "since": since, "limit": LIST_LIMIT})
    return [_view(row) for row in rows]
