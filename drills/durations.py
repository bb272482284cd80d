"""Durations as scenarios write them: ``250ms``, ``90s``, ``15m``, ``1h``, ``1h30m``, ``2d``.

A duration is whole numbers with units, largest unit first, each unit at most once. There is no bare number:
``90`` could mean seconds or minutes, so it is refused with a hint.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Final

UNITS: Final[tuple[tuple[str, timedelta], ...]] = (
    ("d", timedelta(days=1)),
    ("h", timedelta(hours=1)),
    ("m", timedelta(minutes=1)),
    ("s", timedelta(seconds=1)),
    ("ms", timedelta(milliseconds=1)),
)
_MINUTE: Final = timedelta(minutes=1)
_SECOND: Final = timedelta(seconds=1)
_MILLISECOND: Final = timedelta(milliseconds=1)
_PATTERN: Final = re.compile(r"(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m(?!s))?(?:(\d+)s)?(?:(\d+)ms)?")
DURATION_HINT: Final = (
    "durations are whole numbers with units d, h, m, s or ms, largest first, e.g. 250ms, 90s, 15m, 1h30m"
)


def parse_duration(text: str) -> timedelta:
    """The duration ``text`` stands for; raises ValueError naming what is wrong."""
    stripped = text.strip()
    match = _PATTERN.fullmatch(stripped)
    if stripped.isdigit():
        raise ValueError(f"{text!r} has no unit ({stripped}s? {stripped}m?); {DURATION_HINT}")
    if not stripped or match is None:
        raise ValueError(f"{text!r} is not a duration; {DURATION_HINT}")
    total = timedelta()
    for (_, unit), amount in zip(UNITS, match.groups(), strict=True):
        if amount is not None:
            total += int(amount) * unit
    return total


def format_duration(duration: timedelta | float) -> str:
    """``duration`` (a timedelta, or seconds) as a scenario writes it: ``250ms``, ``42s500ms``, ``4m5s``, ``3d``.

    The text parses back to the duration, rounded as a person says it: to the millisecond under a minute, to the
    second from a minute up.
    """
    span = duration if isinstance(duration, timedelta) else timedelta(seconds=duration)
    if span < timedelta():
        raise ValueError(f"a duration cannot be negative: {span}")
    resolution = _SECOND if span >= _MINUTE else _MILLISECOND
    remaining = round(span / resolution) * (resolution // _MILLISECOND)
    parts: list[str] = []
    for name, unit in UNITS:
        amount, remaining = divmod(remaining, unit // _MILLISECOND)
        if amount:
            parts.append(f"{amount}{name}")
    return "".join(parts) or "0s"
