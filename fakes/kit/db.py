"""The Postgres pool, with every use bounded in time; migrating an app's schema and seeding its first start.

Each product brings its own schema (``CREATE ... IF NOT EXISTS`` statements) and seeds; both run under one advisory
lock, so replicas starting together migrate and seed once.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence
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
# Wall seconds a migration, or a first start's seeding in bulk, may take.
MIGRATE_BUDGET_SECONDS = 60.0
SEED_BUDGET_SECONDS = 120.0

# What the app cannot reach its database with: answered as 503 by the app, never as a hang.
UNAVAILABLE = (PoolTimeout, psycopg.OperationalError, TimeoutError)


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


async def migrate(db: Database, schema: Sequence[str]) -> None:
    """Bring the schema up to date; replicas starting together serialise on an advisory lock."""
    async with db.connection(budget=MIGRATE_BUDGET_SECONDS) as conn, conn.transaction():
        await conn.execute("SELECT pg_advisory_xact_lock(%s)", (MIGRATION_LOCK,))
        for statement in schema:
            await conn.execute(statement)


@asynccontextmanager
async def first_start(db: Database, table: str) -> AsyncIterator[Connection | None]:
    """A transaction under the migration lock: its connection while ``table`` has no row yet (the world's first
    start, when a product seeds it), else None (a later start, or a replica that seeded it first)."""
    async with db.connection(budget=SEED_BUDGET_SECONDS) as conn, conn.transaction():
        await conn.execute("SELECT pg_advisory_xact_lock(%s)", (MIGRATION_LOCK,))
        cursor = await conn.execute(f"SELECT EXISTS (SELECT 1 FROM {table}) AS seeded")
        row = await cursor.fetchone()
        yield None if row is None or row["seeded"] else conn
