"""The world clock: scenario time that measures the system and the responder, never the harness's own work.

The harness owns it; the world's fakes follow it through a small file (:meth:`WorldClock.follow`). It stands
still while the harness works (the world starting, a fault going in, a redeploy or a restart it carries out)
and each such action is charged a declared amount of scenario time instead of whatever the wall clock says: a
redeploy costs one scenario minute whether the machine takes 0.8 s or 3 s. What is left to vary between two
runs of the same seed is how soon a poll notices a change, which :mod:`drills.scoring.resolution` reports.

    clock = WorldClock(SystemClock(), TimeScale(600))   held from the start: the world is coming up
    clock.follow(world.clock_file, world.epoch)          the fakes read it from now on
    clock.start()                                        scenario time 0: the drill begins
    with clock.hold(60.0): world.redeploy(...)           stands still, then moves on by one minute

``monotonic()`` is the engine's time: wall seconds of the world running (times the scale is scenario time).
The file holds ``{"offset": s, "held_at": t | null}`` in wall seconds: a fake's scenario time is
``epoch + ((held_at or now) - offset - epoch) * scale``.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from drills.clock import Clock, TimeScale

QUANTUM_WALL_S: Final = 0.1
"""How late the world's processes may notice a moment of scenario time, in wall seconds: they sleep in 50 ms
slices, and a busy machine wakes them later still (measured: a load of 9 on 2 cores stays within 100 ms).
It is the resolution every measured time carries (drills.scoring.resolution), and the most often the harness
reads the world."""

DAY_SECONDS = 86_400
SCENARIO_START = 9 * 3600 + 7 * 60 + 30
"""09:07:30 UTC: halfway between two quarter-hour slots, never on the boundary of a world's periodic work."""


def scenario_epoch(wall: float) -> float:
    """Where a world's scenario time begins: 09:07:30 UTC on the day it runs, so that every run of a seed meets
    the world's periodic work (a scheduler's slots, a dispatcher's ticks) at the same moments of its drill, and
    no drill begins on a slot's boundary, where a hair's breadth decides whether the first tick comes now or in
    a quarter of an hour."""
    return wall - wall % DAY_SECONDS + SCENARIO_START


@dataclass(frozen=True)
class ClockState:
    """What a fake needs to read scenario time: how much wall time was taken out, and where it stands still."""

    offset: float
    held_at: float | None

    def as_json(self) -> str:
        return json.dumps({"offset": self.offset, "held_at": self.held_at})


def write_state(path: Path, state: ClockState) -> None:
    """Replaces the clock file at once, so a fake never reads half of it."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}")
    temporary.write_text(state.as_json())
    temporary.chmod(0o600)
    temporary.replace(path)


def write_clock_file(clock: WorldClock | None, path: Path, epoch: float, wall: float) -> None:
    """A world's clock file, before its first service starts: the drill's world clock publishes to it from now on
    (:meth:`WorldClock.follow`), or, for a world without one, it says time runs from ``epoch`` (``wall`` is now)."""
    if clock is not None:
        clock.follow(path, epoch)
    else:
        write_state(path, ClockState(wall - epoch, None))


class WorldClock:
    """A clock that stands still while held, charging each hold a declared cost in scenario seconds."""

    def __init__(self, base: Clock, scale: TimeScale) -> None:
        self.base = base
        self.scale = scale
        self._lock = threading.RLock()
        # Held from the start: a world's start-up is the harness's work, and scenario time begins at start().
        self._holds = 1
        self._started = False
        self._held_monotonic: float | None = base.monotonic()
        self._held_wall: float | None = base.wall()
        self._offset = 0.0
        self._wall_offset = 0.0
        self._charged = 0.0
        self._file: Path | None = None

    @property
    def started(self) -> bool:
        return self._started

    @property
    def held(self) -> bool:
        return self._holds > 0

    def monotonic(self) -> float:
        with self._lock:
            now = self._held_monotonic if self._held_monotonic is not None else self.base.monotonic()
            return now - self._offset

    def wall(self) -> float:
        return self.base.wall()

    def sleep(self, seconds: float) -> None:
        self.base.sleep(seconds)

    def state(self) -> ClockState:
        with self._lock:
            return ClockState(round(self._wall_offset, 6), self._held_wall)

    def follow(self, path: Path, epoch: float) -> None:
        """Publishes the clock to ``path`` from now on, lined up so that the fakes' scenario time is ``epoch``
        at this moment if the clock is held (as it is while the world starts), and moves on from there."""
        with self._lock:
            now = self._held_wall if self._held_wall is not None else self.base.wall()
            self._wall_offset = now - epoch
            self._file = path
            self._publish()

    def start(self) -> None:
        """Ends the start-up hold: scenario time begins, and nothing the start-up charged counts."""
        with self._lock:
            if self._started:
                raise RuntimeError("the world clock was already started")
            self._started = True
            self._charged = 0.0
            self._release()

    @contextmanager
    def hold(self, cost_s: float = 0.0) -> Iterator[None]:
        """Stands still for the body, then moves on by ``cost_s`` scenario seconds; holds may nest."""
        if cost_s < 0:
            raise ValueError(f"a hold costs 0 or more scenario seconds, not {cost_s}")
        with self._lock:
            self._holds += 1
            if self._holds == 1:
                self._held_monotonic, self._held_wall = self.base.monotonic(), self.base.wall()
                self._publish()
        try:
            yield
        finally:
            with self._lock:
                self._charged += cost_s
                self._release()

    def _release(self) -> None:
        self._holds -= 1
        if self._holds > 0 or self._held_monotonic is None or self._held_wall is None:
            return
        charged = self.scale.to_wall(self._charged)
        self._offset += self.base.monotonic() - self._held_monotonic - charged
        self._wall_offset += self.base.wall() - self._held_wall - charged
        self._held_monotonic = self._held_wall = None
        self._charged = 0.0
        self._publish()

    def _publish(self) -> None:
        if self._file is not None:
            write_state(self._file, ClockState(round(self._wall_offset, 6), self._held_wall))
