"""The drill's clock: monotonic wall time, and a time scale that turns it into scenario time.

A drill runs on a :class:`WorldClock` (see :mod:`drills.world_clock`): it stands still while the harness itself
works and the world's fakes follow it. The clocks here are what it is built on, and what tests move by hand.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from typing import Protocol


class Clock(Protocol):
    """What the engine reads time from; tests pass a clock they can move by hand."""

    def monotonic(self) -> float: ...

    def wall(self) -> float: ...

    def sleep(self, seconds: float) -> None: ...

    def hold(self, cost_s: float = 0.0) -> AbstractContextManager[None]:
        """Stands the clock still while the harness works; ``cost_s`` scenario seconds are charged instead."""
        ...


@dataclass
class SystemClock:
    """The real clock; it cannot be held."""

    def monotonic(self) -> float:
        return time.monotonic()

    def wall(self) -> float:
        return time.time()

    def sleep(self, seconds: float) -> None:
        time.sleep(max(0.0, seconds))

    def hold(self, cost_s: float = 0.0) -> AbstractContextManager[None]:
        return nullcontext()


@dataclass
class ManualClock:
    """A clock that moves only when told to (or when something sleeps on it)."""

    now: float = 0.0
    epoch: float = 1_700_000_000.0
    sleeps: list[float] = field(default_factory=list)

    def monotonic(self) -> float:
        return self.now

    def wall(self) -> float:
        return self.epoch + self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += max(0.0, seconds)

    def advance(self, seconds: float) -> None:
        self.now += seconds

    def hold(self, cost_s: float = 0.0) -> AbstractContextManager[None]:
        return nullcontext()


@dataclass(frozen=True)
class TimeScale:
    """Scenario seconds per wall second: at 60, a 15-minute scheduler tick lasts 15 wall seconds."""

    factor: float = 1.0

    def to_scenario(self, wall_seconds: float) -> float:
        return wall_seconds * self.factor

    def to_wall(self, scenario_seconds: float) -> float:
        return scenario_seconds / self.factor


def sleep_until(clock: Clock, moment: float) -> None:
    """Sleeps until ``clock.monotonic()`` reaches ``moment``; a clock held meanwhile is slept on again, so the
    moment is one of the drill's clock, not of the wall."""
    while (remaining := moment - clock.monotonic()) > 0:
        clock.sleep(remaining)


def wait_for(condition: Callable[[], bool], timeout: float, clock: Clock, interval: float = 0.05) -> bool:
    """Polls ``condition`` at fixed ticks until it holds or ``timeout`` wall seconds pass."""
    start = clock.monotonic()
    tick = 0
    while True:
        if condition():
            return True
        tick += 1
        next_tick = start + tick * interval
        if next_tick - start > timeout:
            return False
        clock.sleep(next_tick - clock.monotonic())
