"""What db-pool-exhausted drills, on the real app and a real Postgres: a forgotten session holding a lock on
``customers`` keeps every booking request's connection waiting until the pool has none to lend, and ending that
session lets the bookings through."""

from __future__ import annotations

import asyncio
import contextlib

import httpx
import psycopg
import pytest

from tests.fakes.bookings.bookingsworld import BookingsApp, StartApp
from tests.fakes.kit.appworld import Providers

pytestmark = pytest.mark.anyio

POLL_SECONDS = 0.02
POLLS = 250  # at most 5 s for the requests to take the pool's connections
END_IDLE_SESSIONS = """SELECT pg_terminate_backend(pid) FROM pg_stat_activity
                       WHERE datname = current_database() AND state = 'idle in transaction'"""


async def pool_taken(app: BookingsApp) -> bool:
    for _ in range(POLLS):
        if app.state.db.in_use == app.state.settings.db_pool_size:
            return True
        await asyncio.sleep(POLL_SECONDS)
    return False


def bookings_of_four_customers(app: BookingsApp) -> list[asyncio.Task[httpx.Response]]:
    return [asyncio.create_task(app.book(f"request-{n}", customer_id=n, service_id=n)) for n in range(1, 5)]


async def test_bookings_behind_a_forgotten_lock_exhaust_the_pool_until_the_session_ends(
    start_app: StartApp, database_url: str, providers: Providers
) -> None:
    async with start_app(db_pool_size=2, db_pool_timeout=0.3) as app:
        console = await psycopg.AsyncConnection.connect(database_url)
        await console.execute("LOCK TABLE customers IN ACCESS EXCLUSIVE MODE")  # and forgotten, idle in transaction
        requests = bookings_of_four_customers(app)
        taken = await pool_taken(app)
        ready_while_locked = await app.client.get("/api/v1/ready")
        async with await psycopg.AsyncConnection.connect(database_url, autocommit=True) as responder:
            await responder.execute(END_IDLE_SESSIONS)
        with contextlib.suppress(psycopg.OperationalError):
            await console.close()
        answers = [answer.status_code for answer in await asyncio.gather(*requests)]
        retried = [(await app.book(f"request-{n}", customer_id=n, service_id=n)).status_code for n in range(1, 5)]
        ready_after = await app.client.get("/api/v1/ready")
        booked = await app.booked()
    assert (taken, ready_while_locked.status_code, ready_while_locked.json()["checks"]["db"]["error"]) == (
        True,
        503,
        "PoolTimeout",
    )
    # Two requests held the pool's two connections behind the lock and went through once it ended; the other two
    # got no connection in time (503), and their retries booked them: four bookings, each confirmed once.
    assert (sorted(answers), sorted(retried), ready_after.status_code) == (
        [201, 201, 503, 503],
        [200, 200, 201, 201],
        200,
    )
    assert (booked, len(providers.mail.messages)) == (4, 4)
