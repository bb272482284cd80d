"""The Postgres pool, with every use bounded in time, and the schema the app migrates to at start."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import psycopg
from psycopg.rows import DictRow, dict_row, tuple_row
from psycopg_pool import AsyncConnectionPool, PoolTimeout

Connection = psycopg.AsyncConnection[DictRow]

# libpq's floor for connect_timeout is 2 s: a dead database is noticed in about that time, never a hang.
CONNECT_TIMEOUT_SECONDS = 2
# A connection lent out for longer than this (a blackholed socket, a lock wait) is cancelled and dropped.
OPERATION_TIMEOUT_SECONDS = 10.0
# How long the pool keeps retrying a lost connection before giving the slot up (it regrows on demand).
RECONNECT_TIMEOUT_SECONDS = 5.0
MIGRATION_LOCK = 72_640_001

# What the app cannot reach its database with: answered as 503 by the app, never as a hang.
UNAVAILABLE = (PoolTimeout, psycopg.OperationalError, TimeoutError)

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
    """CREATE TABLE IF NOT EXISTS notifications (
        id bigserial PRIMARY KEY,
        kind text NOT NULL,
        tenant_id bigint REFERENCES tenants (id) ON DELETE CASCADE,
        message text NOT NULL,
        occurrences integer NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL,
        last_seen_at timestamptz NOT NULL,
        resolved_at timestamptz)""",
    """CREATE UNIQUE INDEX IF NOT EXISTS notifications_one_open_per_incident
        ON notifications (kind, tenant_id) WHERE resolved_at IS NULL""",
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
    """ALTER TABLE notifications ADD COLUMN IF NOT EXISTS
        campaign_id bigint REFERENCES campaigns (id) ON DELETE CASCADE""",
    """CREATE UNIQUE INDEX IF NOT EXISTS notifications_one_open_per_campaign_incident
        ON notifications (kind, campaign_id) WHERE resolved_at IS NULL AND campaign_id IS NOT NULL""",
)


def open_pool(database_url: str, size: int, acquire_timeout: float) -> AsyncConnectionPool[Connection]:
    """A fixed-size pool that checks a connection before lending it, so a restarted database costs no request."""
    return AsyncConnectionPool(
        database_url,
        connection_class=psycopg.AsyncConnection[DictRow],
        kwargs={
            "autocommit": True,
            "row_factory": dict_row,
            "connect_timeout": CONNECT_TIMEOUT_SECONDS,
            "options": "-c TimeZone=UTC",
        },
        min_size=size,
        max_size=size,
        timeout=acquire_timeout,
        reconnect_timeout=RECONNECT_TIMEOUT_SECONDS,
        check=AsyncConnectionPool.check_connection,
        name="app",
        open=False,
    )


class Database:
    """The app's way to the database: every borrowed connection is returned within a time budget."""

    def __init__(self, pool: AsyncConnectionPool[Connection], acquire_timeout: float) -> None:
        self.pool = pool
        self.acquire_timeout = acquire_timeout
        self.in_use = 0

    @asynccontextmanager
    async def connection(self, budget: float = OPERATION_TIMEOUT_SECONDS) -> AsyncIterator[Connection]:
        async with asyncio.timeout(budget):
            async with self.pool.connection(timeout=self.acquire_timeout) as conn:
                self.in_use += 1
                try:
                    yield conn
                finally:
                    self.in_use -= 1

    async def fetch_all(self, query: str, params: Any = None) -> list[DictRow]:
        async with self.connection() as conn:
            cursor = await conn.execute(query, params)
            return await cursor.fetchall()

    async def fetch_tuples(self, query: str, params: Any = None) -> list[tuple[Any, ...]]:
        async with self.connection() as conn:
            cursor = conn.cursor(row_factory=tuple_row)
            await cursor.execute(query, params)
            return await cursor.fetchall()

    async def fetch_one(self, query: str, params: Any = None) -> DictRow | None:
        async with self.connection() as conn:
            cursor = await conn.execute(query, params)
            return await cursor.fetchone()

    async def execute(self, query: str, params: Any = None) -> int:
        """Run one statement; answers how many rows it touched."""
        async with self.connection() as conn:
            cursor = await conn.execute(query, params)
            return cursor.rowcount

    def stats(self) -> dict[str, int]:
        measures = self.pool.get_stats()
        return {"size": measures.get("pool_max", 0), "open": measures.get("pool_size", 0), "in_use": self.in_use}


async def migrate(db: Database) -> None:
    """Bring the schema up to date; replicas starting together serialise on an advisory lock."""
    async with db.connection(budget=60.0) as conn, conn.transaction():
        await conn.execute("SELECT pg_advisory_xact_lock(%s)", (MIGRATION_LOCK,))
        for statement in SCHEMA:
            await conn.execute(statement)
