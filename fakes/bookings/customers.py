"""The booking app's customers and the services they book, seeded on the world's first start from its seed."""

from __future__ import annotations

from datetime import datetime

from faker import Faker

from fakes.kit.db import Database, first_start

SERVICES = (("Haircut", 30), ("Colour", 90), ("Massage", 60), ("Physiotherapy", 45), ("Consultation", 20))
"""Every world's services: (name, minutes). Service ``n`` is the ``n``-th, so a scenario may name it by id."""


def customer_rows(count: int, seed: int, now: datetime) -> list[tuple[str, str, datetime]]:
    """``count`` customers as (name, email, created_at); the same seed always gives the same customers."""
    fake = Faker()
    fake.seed_instance(seed)
    return [(fake.name(), f"{fake.user_name()}.{index}@customers.example", now) for index in range(1, count + 1)]


async def seed_customers(db: Database, count: int, seed: int, now: datetime) -> int:
    """On first start (no service yet) insert the services and ``count`` customers; answers how many customers."""
    async with first_start(db, "services") as conn:
        if conn is None:
            return 0
        async with conn.cursor() as cursor:
            await cursor.executemany("INSERT INTO services (name, duration_minutes) VALUES (%s, %s)", SERVICES)
        async with conn.cursor().copy("COPY customers (name, email, created_at) FROM STDIN") as copy:
            for row in customer_rows(count, seed, now):
                await copy.write_row(row)
    return count
