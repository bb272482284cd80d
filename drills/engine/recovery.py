"""Recovery: the steady state and the scenario's recovery checks holding, and then keeping on holding.

A recovery window opens at the first check where every probe holds and closes at the first where one fails;
the drill has recovered once a window has stayed open for the scenario's hold time. Each change is an event on
the timeline, and the recovered event carries when its window opened, which is what time to recover measures.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from drills.clock import sleep_until
from drills.durations import format_duration
from drills.engine.watch import read_interval
from drills.probes import evaluate
from drills.scenario.model import Scenario
from drills.timeline import EventKind, TimelineRecorder
from drills.world.context import DrillContext

WALL_MARGIN_SECONDS = 10.0


@dataclass(frozen=True)
class RecoveryState:
    """What one check found: the failing checks (none: every one held) and whether recovery is complete."""

    failing: tuple[str, ...]
    window_started: float | None
    recovered: bool

    @property
    def holding(self) -> bool:
        return not self.failing


class RecoveryWatch:
    """Checks recovery one tick at a time; thread-safe, and finished for good once recovered."""

    def __init__(self, scenario: Scenario, context: DrillContext, recorder: TimelineRecorder) -> None:
        recovery = scenario.recovery
        self._probes = (*scenario.steady_state, *recovery.checks)
        self._hold_text = format_duration(recovery.hold)
        self.context = context
        self.recorder = recorder
        self.hold = context.wall_seconds(recovery.hold.total_seconds())
        self.interval = read_interval(context, recovery.interval.total_seconds())
        self._interval_s = context.scale.to_scenario(self.interval)
        self._window_started: float | None = None
        self._last_failing: tuple[str, ...] = ()
        self._checked = False
        self._recovered = False
        self._lock = threading.Lock()

    @property
    def recovered(self) -> bool:
        return self._recovered

    @property
    def last_failing(self) -> tuple[str, ...]:
        return self._last_failing

    def check(self) -> RecoveryState:
        """Evaluates every probe once; records a window opening or closing, and recovery when it held long enough."""
        with self._lock:
            if self._recovered:
                return RecoveryState((), self._window_started, True)
            failing = self._failing()
            self._update(failing)
            return RecoveryState(failing, self._window_started, self._recovered)

    def _failing(self) -> tuple[str, ...]:
        """What each failing probe says, named when it has a name; a probe in both lists is said once."""
        failing: dict[str, None] = {}
        for probe in self._probes:
            result = evaluate(probe, self.context)
            if not result.held:
                failing[f"{probe.name}: {result.detail}" if probe.name else result.detail] = None
        return tuple(failing)

    def _update(self, failing: tuple[str, ...]) -> None:
        if failing:
            if self._window_started is not None or not self._checked:
                self.recorder.record(EventKind.RECOVERY_CHECKED, "runner", "; ".join(failing), {"held": False})
            self._window_started = None
        elif self._window_started is None:
            self._window_started = self.recorder.now()
            self.recorder.record(EventKind.RECOVERY_CHECKED, "runner", "recovery checks hold", {"held": True})
        self._checked = True
        self._last_failing = failing
        if self._window_started is not None and self.recorder.now() - self._window_started >= self.hold:
            self._recovered = True
            message = f"recovered: every check held for {self._hold_text}"
            data = {"window_started_at": self._window_started, "interval_s": round(self._interval_s, 6)}
            self.recorder.record(EventKind.RECOVERED, "runner", message, data)

    def run(self, bound: float) -> bool:
        """Checks on fixed ticks until recovered or ``bound`` seconds of the drill's clock pass; whether it
        recovered. Every read holds the world clock, so a world whose reads hang would stretch that bound without
        end: the watch also stops once twice the bound, and ten seconds more, have passed on the wall."""
        clock, stopwatch = self.context.clock, self.context.stopwatch
        deadline = clock.monotonic() + bound
        wall_deadline = stopwatch.monotonic() + 2 * bound + WALL_MARGIN_SECONDS
        tick = clock.monotonic()
        while clock.monotonic() <= deadline and stopwatch.monotonic() <= wall_deadline:
            if self.check().recovered:
                return True
            tick += self.interval
            sleep_until(clock, tick)
        detail = "; ".join(self._last_failing)
        self.recorder.record(
            EventKind.RECOVERY_CHECKED, "runner", f"not recovered before the bound: {detail}", {"held": False}
        )
        return False
