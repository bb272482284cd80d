"""The scheduled-report app's tables: its secret overrides, the tenants, their OAuth connections, the report runs
and the admins' notifications about a tenant. ``fakes.kit.db.migrate`` brings a database up to them at start."""

from __future__ import annotations

from fakes.kit.notifications import Notifications

NOTIFICATIONS = Notifications(subject="tenant_id", table="tenants")
"""The admins' notifications, each about one tenant."""
TOKEN_REFRESH_FAILED = "token_refresh_failed"
REPORT_SEND_FAILED = "report_send_failed"

SCHEMA = (
    """CREATE TABLE IF NOT EXISTS app_config (
        key text PRIMARY KEY,
        value text NOT NULL,
        deployed_digest text NOT NULL,
        updated_at timestamptz NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS tenants (
        id bigserial PRIMARY KEY,
        name text NOT NULL,
        account text NOT NULL UNIQUE,
        email text NOT NULL,
        active boolean NOT NULL DEFAULT true,
        created_at timestamptz NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS connections (
        tenant_id bigint PRIMARY KEY REFERENCES tenants (id) ON DELETE CASCADE,
        status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'connected', 'disconnected')),
        token_state text NOT NULL DEFAULT 'expired' CHECK (token_state IN ('ok', 'expired', 'error')),
        access_token text,
        refresh_token text,
        expires_at timestamptz,
        last_error text,
        last_refresh_at timestamptz,
        updated_at timestamptz NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS report_runs (
        id bigserial PRIMARY KEY,
        tenant_id bigint NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
        slot timestamptz NOT NULL,
        status text NOT NULL CHECK (status IN ('sending', 'sent', 'failed')),
        attempts integer NOT NULL DEFAULT 1,
        failures integer NOT NULL DEFAULT 0,
        error text,
        message_id text,
        started_at timestamptz NOT NULL,
        finished_at timestamptz,
        last_failed_at timestamptz,
        CONSTRAINT report_runs_once_per_slot UNIQUE (tenant_id, slot))""",
    """CREATE INDEX IF NOT EXISTS report_runs_recent_failures
        ON report_runs (last_failed_at, tenant_id) WHERE failures > 0""",
    *NOTIFICATIONS.schema(),
)
