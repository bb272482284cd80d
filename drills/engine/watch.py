"""Monitors and invariants, evaluated on fixed ticks of the drill's clock while the drill runs.

Each check has its own interval (scenario time, scaled to wall time). A monitor fires once its condition has
lasted its ``for`` duration, and clears when the condition stops; both are events on the timeline. An
invariant with an interval is checked at every tick, and each check is an event.

A check aimed outside the world is a mistake in the scenario, not a reading: adding it raises
:class:`~drills.errors.TargetRefusedError` at once, before any fault goes in, and one that comes to aim outside
while the drill runs (a setting it refers to changed) is a drill error on the timeline and is not tried again.
"""

from __future__ import annotations

import heapq
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from pydantic import JsonValue

from drills.errors import DrillbitError, TargetRefusedError
from drills.probes import Evaluator, ProbeResult, check_aim
from drills.scenario.kinds import Probe
from drills.scenario.model import Invariant, Monitor
from drills.timeline import EventKind, TimelineRecorder
from drills.world.context import DrillContext
from drills.world_clock import QUANTUM_WALL_S

EVIDENCE_LINES = 20
EVIDENCE_CHARACTERS = 2_000

WAIT_SLICE_SECONDS = 0.05
"""The longest the watch sleeps at once: the world clock may be held meanwhile, and then the wait goes on."""


@dataclass
class MonitorState:
    """Whether a monitor's condition holds, since when, and whether it has fired."""

    monitor: Monitor
    condition_since: float | None = None
    firing: bool = False
    fired_count: int = 0

    def condition(self, result: ProbeResult) -> bool:
        return result.held if self.monitor.fires_when == "holds" else not result.held

    def update(self, result: ProbeResult, now: float, for_wall: float) -> str | None:
        """Returns "fired" or "cleared" when the monitor changes state."""
        if not self.condition(result):
            self.condition_since = None
            if self.firing:
                self.firing = False
                return "cleared"
            return None
        if self.condition_since is None:
            self.condition_since = now
        if not self.firing and now - self.condition_since >= for_wall:
            self.firing = True
            self.fired_count += 1
            return "fired"
        return None


@dataclass(order=True)
class _Due:
    at: float
    order: int
    check: Callable[[], object] = field(compare=False)
    interval: float = field(compare=False)
    what: str = field(compare=False)


class Watch:
    """Runs every monitor and interval invariant in one background thread until stopped."""

    def __init__(self, context: DrillContext, recorder: TimelineRecorder) -> None:
        self._context = context
        self._recorder = recorder
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._queue: list[_Due] = []
        self._lock = threading.Lock()
        self.states: dict[str, MonitorState] = {}
        # One evaluator for the whole watch: a metric probe's rate needs its earlier readings.
        self._evaluator = Evaluator()
        self.fired = threading.Condition(self._lock)

    def add_monitor(self, monitor: Monitor) -> None:
        """Schedules a monitor; raises :class:`TargetRefusedError` if its probe aims outside the world."""
        what = f"monitor {monitor.name!r}"
        _refuse_off_world(what, monitor.probe, self._context)
        state = MonitorState(monitor)
        self.states[monitor.name] = state
        for_wall = self._context.wall_seconds(monitor.for_.total_seconds())
        self._schedule(lambda: self._check_monitor(state, for_wall), monitor.interval.total_seconds(), what)

    def add_invariant(self, invariant: Invariant) -> None:
        """Schedules an invariant with an interval; raises :class:`TargetRefusedError` if it aims outside the world."""
        what = f"invariant {invariant.name!r}"
        _refuse_off_world(what, invariant.probe, self._context)
        if invariant.interval is not None:
            self._schedule(
                lambda: check_invariant(invariant, self._context, self._recorder),
                invariant.interval.total_seconds(),
                what,
            )

    def _schedule(self, check: Callable[[], object], interval_scenario: float, what: str) -> None:
        interval = read_interval(self._context, interval_scenario)
        heapq.heappush(self._queue, _Due(self._context.clock.monotonic(), len(self._queue), check, interval, what))

    def _check_monitor(self, state: MonitorState, for_wall: float) -> None:
        result = self._evaluator.evaluate(state.monitor.probe, self._context)
        with self._lock:
            change = state.update(result, self._context.clock.monotonic(), for_wall)
            if change == "fired":
                self.fired.notify_all()
        if change is not None:
            kind = EventKind.MONITOR_FIRED if change == "fired" else EventKind.MONITOR_CLEARED
            message = state.monitor.summary if change == "fired" else f"{state.monitor.name} stopped firing"
            data: dict[str, JsonValue] = {"monitor": state.monitor.name, "detail": result.detail}
            if change == "fired":
                # How often it reads: a report's ``±`` on the time to detect (drills.scoring.resolution).
                wall = read_interval(self._context, state.monitor.interval.total_seconds())
                data["interval_s"] = round(self._context.scale.to_scenario(wall), 6)
            self._recorder.record(kind, f"monitor:{state.monitor.name}", message, data)

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="drill-watch", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        clock = self._context.clock
        while not self._stop.is_set() and self._queue:
            due = heapq.heappop(self._queue)
            if not self._until(due.at):
                return
            try:
                due.check()
            except TargetRefusedError as refused:  # a scenario's mistake, said once: the check is not tried again
                self._recorder.record(EventKind.DRILL_ERROR, "watch", f"{due.what}: {refused}")
                continue
            except Exception as error:  # a broken check is recorded, and the others go on
                self._recorder.record(EventKind.NOTE, "watch", f"a check could not run: {error}")
            # Fixed ticks: the next one is due one interval after this one was due, not after it finished.
            next_at = max(due.at + due.interval, clock.monotonic())
            heapq.heappush(self._queue, _Due(next_at, due.order, due.check, due.interval, due.what))

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def _until(self, moment: float) -> bool:
        """Waits until the drill's clock reaches ``moment`` (held time does not count); False once stopped."""
        clock = self._context.clock
        while (remaining := moment - clock.monotonic()) > 0:
            if self._stop.wait(min(remaining, WAIT_SLICE_SECONDS)):
                return False
        return True

    def wait_fired(self, monitor: str | None, timeout: float) -> bool:
        """Blocks until the named monitor (or any) has fired at least once, or ``timeout`` seconds of the drill's
        clock pass (time it stood still while the harness worked does not count)."""

        def has_fired() -> bool:
            states = [self.states[monitor]] if monitor else list(self.states.values())
            return any(state.fired_count for state in states)

        clock = self._context.clock
        deadline = clock.monotonic() + timeout
        with self._lock:
            while not has_fired():
                remaining = deadline - clock.monotonic()
                if remaining <= 0:
                    return False
                self.fired.wait(min(remaining, WAIT_SLICE_SECONDS))
            return True

    def firing_monitors(self) -> list[str]:
        with self._lock:
            return [name for name, state in self.states.items() if state.fired_count]


def _refuse_off_world(what: str, probe: Probe, context: DrillContext) -> None:
    """Raises :class:`TargetRefusedError`, naming ``what``, if ``probe`` rendered now aims outside the world.

    Only a refusal counts here: a reference that cannot resolve yet (a value a step saves later) is for the
    check itself to meet when it runs.
    """
    try:
        check_aim(probe, context)
    except TargetRefusedError as refused:
        raise TargetRefusedError(f"{what}: {refused.message}", hint=refused.hint) from None
    except DrillbitError:
        return


def read_interval(context: DrillContext, interval_scenario: float) -> float:
    """Wall seconds between two reads of the world: the scenario's interval, but never less than the world's own
    polling (QUANTUM_WALL_S): a read sooner than the world can change tells nothing new, and every read holds
    the world clock still, so reading faster would only slow a drill down."""
    return max(context.wall_seconds(interval_scenario), QUANTUM_WALL_S)


def check_invariant(
    invariant: Invariant, context: DrillContext, recorder: TimelineRecorder, evaluator: Evaluator | None = None
) -> bool:
    """One check of an invariant, recorded on the timeline."""
    # An invariant times nothing: the world runs on while it is read.
    result = (evaluator or Evaluator(holds_clock=False)).evaluate(invariant.probe, context)
    data: dict[str, JsonValue] = {"invariant": invariant.name, "held": result.held, "detail": result.detail}
    if not result.held and result.output.strip():
        data["evidence"] = evidence(result.output)
    recorder.record(EventKind.INVARIANT_CHECKED, f"invariant:{invariant.name}", result.detail, data)
    return result.held


def evidence(output: str) -> str:
    """What a failing check read, kept for the report: its first lines (the offending rows), cut to a page."""
    lines = output.strip().splitlines()
    kept = lines[:EVIDENCE_LINES]
    if len(lines) > EVIDENCE_LINES:
        kept.append(f"… and {len(lines) - EVIDENCE_LINES} more lines")
    text = "\n".join(kept)
    return text if len(text) <= EVIDENCE_CHARACTERS else text[: EVIDENCE_CHARACTERS - 1] + "…"
