"""Scenario time for a fake: the world's running time since its epoch, multiplied by the world's time scale.

The harness owns the world's clock and may hold it still while it works (starting the world, injecting a
fault, redeploying a service); it says so in a small JSON file, ``{"offset": s, "held_at": t | null}`` in wall
seconds, named by ``DRILLBIT_CLOCK``. A fake reads scenario time as ``epoch + ((held_at or now) - offset -
epoch) * scale``; without a file, the world's time simply runs.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path


@dataclass
class ClockFile:
    """The harness's clock file, read again only when it was replaced (one stat a read otherwise)."""

    path: Path
    _seen: tuple[int, int] | None = None
    _state: tuple[float, float | None] = (0.0, None)

    def state(self) -> tuple[float, float | None]:
        """The wall seconds taken out of the world's time so far, and the wall time it stands still at."""
        try:
            stat = os.stat(self.path)
        except OSError:
            return self._state
        seen = (stat.st_ino, stat.st_mtime_ns)
        if seen != self._seen:
            try:
                raw = json.loads(self.path.read_text())
                held = raw.get("held_at")
                self._state = (float(raw["offset"]), None if held is None else float(held))
                self._seen = seen
            except (OSError, ValueError, KeyError, TypeError):
                pass  # a file being replaced: keep what was read last
        return self._state


@dataclass
class ScaledClock:
    """Reads scenario time; ``scale`` scenario seconds pass for every running wall second since ``epoch``."""

    scale: float = 1.0
    epoch: float = field(default_factory=time.time)
    wall: Callable[[], float] = time.time
    follows: ClockFile | None = None

    def now(self) -> float:
        """Scenario time as a Unix timestamp."""
        offset, held_at = (0.0, None) if self.follows is None else self.follows.state()
        running = (held_at if held_at is not None else self.wall()) - offset
        return self.epoch + (running - self.epoch) * self.scale

    @property
    def held(self) -> bool:
        """Whether the harness holds the world's time still right now."""
        return self.follows is not None and self.follows.state()[1] is not None

    def now_datetime(self) -> datetime:
        return datetime.fromtimestamp(self.now(), tz=UTC)

    def to_wall(self, scenario_seconds: float) -> float:
        """How many wall seconds a scenario duration lasts."""
        return scenario_seconds / self.scale


SLICE_SECONDS = 0.05
"""The longest a fake sleeps at once while waiting for a moment: the harness may hold the clock meanwhile."""


async def sleep_until(clock: ScaledClock, moment: float, sleep: Callable[[float], Awaitable[None]]) -> None:
    """Returns once the world's scenario time has reached ``moment``; held time does not count."""
    while (remaining := clock.to_wall(moment - clock.now())) > 0:
        await sleep(min(remaining, SLICE_SECONDS))


def iso(timestamp: float) -> str:
    """A Unix timestamp as ISO 8601 in UTC: ``2025-01-01T10:15:00Z``, with milliseconds when not whole."""
    moment = datetime.fromtimestamp(timestamp, tz=UTC)
    if moment.microsecond == 0:
        return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def parse_time(value: object) -> datetime | None:
    """An ISO 8601 time as a request gives it (UTC when it names no zone), or None when it is not one."""
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


@dataclass
class ManualWall:
    """A wall clock that moves only when told to: pass it as ``ScaledClock(wall=...)`` in tests."""

    now: float = 1_700_000_000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds
