"""Tenants: seeded on first start from the world's seed, and read back for the other modules."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from faker import Faker

from fakes.kit.db import Database, first_start


@dataclass(frozen=True)
class Tenant:
    """A customer of the app; ``account`` is its account name at the time-tracking provider."""

    id: int
    name: str
    account: str
    email: str


def seed_rows(count: int, seed: int, now: datetime) -> list[tuple[str, str, str, datetime]]:
    """``count`` tenants as (name, account, email, created_at); the same seed always gives the same tenants."""
    fake = Faker()
    fake.seed_instance(seed)
    rows = []
    for index in range(1, count + 1):
        name = fake.company()
        account = f"{_slug(name)}-{index}"
        rows.append((name, account, f"reports@{account}.example", now))
    return rows


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "tenant"


async def seed_tenants(db: Database, count: int, seed: int, now: datetime) -> int:
    """On first start (no tenant yet) insert ``count`` tenants in bulk; answers how many were inserted."""
    async with first_start(db, "tenants") as conn:
        if conn is None or count == 0:
            return 0
        async with conn.cursor().copy("COPY tenants (name, account, email, created_at) FROM STDIN") as copy:
            for values in seed_rows(count, seed, now):
                await copy.write_row(values)
        await conn.execute(
            "INSERT INTO connections (tenant_id, updated_at) SELECT id, %s FROM tenants ON CONFLICT DO NOTHING",
            (now,),
        )
    return count


def _tenant(row: dict[str, Any]) -> Tenant:
    return Tenant(id=row["id"], name=row["name"], account=row["account"], email=row["email"])


async def get_tenant(db: Database, tenant_id: int) -> Tenant | None:
    row = await db.fetch_one("SELECT id, name, account, email FROM tenants WHERE id = %s", (tenant_id,))
    return None if row is None else _tenant(row)


async def pending_tenants(db: Database) -> list[Tenant]:
    """Active tenants that never got a token pair (first start, or the provider was down then)."""
    rows = await db.fetch_all(
        """SELECT t.id, t.name, t.account, t.email FROM tenants t JOIN connections c ON c.tenant_id = t.id
           WHERE t.active AND c.status = 'pending' ORDER BY t.id"""
    )
    return [_tenant(row) for row in rows]
