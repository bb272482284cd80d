"""Time entries of an account, made up but the same every time for (seed, account, date)."""

from __future__ import annotations

import hashlib
import random
from datetime import date, datetime, timedelta

PROJECTS = ("Onboarding", "Billing revamp", "Customer support", "Infrastructure", "Design review", "Data migration")
MAX_DAYS = 366


class RangeError(ValueError):
    """``from``/``to`` are missing, malformed, reversed or too far apart."""


def parse_day(value: str | None, name: str) -> date:
    """An ISO date, or the date of an ISO date-time."""
    if not value:
        raise RangeError(f"{name} is required (an ISO date)")
    try:
        return datetime.fromisoformat(value).date() if "T" in value else date.fromisoformat(value)
    except ValueError:
        raise RangeError(f"{name}={value!r} is not an ISO date") from None


def days(first: date, last: date) -> list[date]:
    if last < first:
        raise RangeError(f"to ({last}) is before from ({first})")
    count = (last - first).days + 1
    if count > MAX_DAYS:
        raise RangeError(f"at most {MAX_DAYS} days at a time, not {count}")
    return [first + timedelta(days=offset) for offset in range(count)]


def entries(seed: int, account: str, first: date, last: date) -> list[dict[str, object]]:
    return [entry for day in days(first, last) for entry in day_entries(seed, account, day)]


def day_entries(seed: int, account: str, day: date) -> list[dict[str, object]]:
    """One to three entries on a weekday; a weekend day is usually empty."""
    rng = random.Random(f"{seed}:{account}:{day.isoformat()}")
    count = rng.randint(1, 3) if day.weekday() < 5 else int(rng.random() < 0.1)
    return [
        {
            "id": entry_id(seed, account, day, number),
            "date": day.isoformat(),
            "project": rng.choice(PROJECTS),
            "hours": rng.randint(1, 16) / 4,
        }
        for number in range(count)
    ]


def entry_id(seed: int, account: str, day: date, number: int) -> str:
    digest = hashlib.sha256(f"{seed}:{account}:{day.isoformat()}:{number}".encode()).hexdigest()
    return f"te_{digest[:16]}"
