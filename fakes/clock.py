"""Scenario time for a fake: wall time since the world's epoch, multiplied by the world's time scale."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime


@dataclass
class ScaledClock:
    """Reads scenario time; ``scale`` scenario seconds pass for every wall second since ``epoch``."""

    scale: float = 1.0
    epoch: float = field(default_factory=time.time)
    wall: Callable[[], float] = time.time

    def now(self) -> float:
        """Scenario time as a Unix timestamp."""
        return self.epoch + (self.wall() - self.epoch) * self.scale

    def now_datetime(self) -> datetime:
        return datetime.fromtimestamp(self.now(), tz=UTC)

    def to_wall(self, scenario_seconds: float) -> float:
        """How many wall seconds a scenario duration lasts."""
        return scenario_seconds / self.scale


def iso(timestamp: float) -> str:
    """A Unix timestamp as ISO 8601 in UTC: ``2025-01-01T10:15:00Z``, with milliseconds when not whole."""
    moment = datetime.fromtimestamp(timestamp, tz=UTC)
    if moment.microsecond == 0:
        return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


@dataclass
class ManualWall:
    """A wall clock that moves only when told to: pass it as ``ScaledClock(wall=...)`` in tests."""

    now: float = 1_700_000_000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds
