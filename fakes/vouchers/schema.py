"""The voucher app's tables: the messaging campaigns, their targets, every failed send, and the admins'
notifications about a campaign. ``fakes.kit.db.migrate`` brings a database up to them at start."""

from __future__ import annotations

from fakes.kit.notifications import Notifications

NOTIFICATIONS = Notifications(subject="campaign_id", table="campaigns")
"""The admins' notifications, each about one campaign."""
CAMPAIGN_SEND_FAILED = "campaign_send_failed"

SCHEMA = (
    """CREATE TABLE IF NOT EXISTS campaigns (
        id bigserial PRIMARY KEY,
        name text NOT NULL,
        body text NOT NULL,
        status text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'running', 'paused', 'finished')),
        created_at timestamptz NOT NULL,
        started_at timestamptz,
        finished_at timestamptz,
        last_error text,
        backoff_until timestamptz,
        failure_streak integer NOT NULL DEFAULT 0)""",
    """CREATE TABLE IF NOT EXISTS campaign_targets (
        id bigserial PRIMARY KEY,
        campaign_id bigint NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
        recipient text NOT NULL,
        status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
        attempts integer NOT NULL DEFAULT 0,
        last_error text,
        next_attempt_at timestamptz NOT NULL,
        message_id text,
        sent_at timestamptz,
        CONSTRAINT campaign_targets_once_per_recipient UNIQUE (campaign_id, recipient),
        CONSTRAINT campaign_targets_failed_with_reason CHECK (status <> 'failed' OR last_error IS NOT NULL))""",
    """CREATE INDEX IF NOT EXISTS campaign_targets_due
        ON campaign_targets (campaign_id, next_attempt_at, id) WHERE status = 'pending'""",
    """CREATE TABLE IF NOT EXISTS campaign_send_failures (
        id bigserial PRIMARY KEY,
        campaign_id bigint NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
        target_id bigint NOT NULL REFERENCES campaign_targets (id) ON DELETE CASCADE,
        error text NOT NULL,
        at timestamptz NOT NULL)""",
    """CREATE INDEX IF NOT EXISTS campaign_send_failures_recent ON campaign_send_failures (campaign_id, at)""",
    *NOTIFICATIONS.schema(),
)
