"""A scenario's faults on the drill's clock: each injected at its ``after``, reverted ``duration`` after that.

``after`` counts from :meth:`FaultSchedule.start` (the start of the fault phase); ``duration`` counts from the
moment the fault is in (an injection that takes a while, like a redeploy, does not eat into it). Both are
scenario time, turned into wall time by the drill's scale. Each fault waits on a thread of its own (one per
fault, no more), in short slices of the drill's clock, so :meth:`FaultSchedule.stop` takes effect at once.
Observers hear of every injection (as it begins, and once it is in), failure and revert; an observer that fails
is logged and never stops a fault.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import Final

from drills.errors import DrillbitError, FaultError
from drills.faults.active import ActiveFault, RevertOutcome
from drills.faults.base import FaultBase
from drills.faults.collection import FaultSet, notify
from drills.faults.timing import pause_until
from drills.world.context import DrillContext

STOP_TIMEOUT_SECONDS: Final = 10.0


def _ignore(*values: object) -> None:
    return None


class FaultSchedule:
    """Injects and auto-reverts a scenario's faults in the background; ``revert_all`` ends them all."""

    def __init__(
        self,
        faults: Sequence[FaultBase],
        context: DrillContext,
        *,
        on_injecting: Callable[[FaultBase], None] = _ignore,
        on_injected: Callable[[ActiveFault], None] = _ignore,
        on_reverted: Callable[[RevertOutcome], None] = _ignore,
        on_failed: Callable[[FaultBase, DrillbitError], None] = _ignore,
        fault_set: FaultSet | None = None,
    ) -> None:
        self.faults = tuple(faults)
        self.context = context
        self.fault_set = fault_set if fault_set is not None else FaultSet()
        self._on_injecting = on_injecting
        self._on_injected = on_injected
        self._on_reverted = on_reverted
        self._on_failed = on_failed
        self._stopped = threading.Event()
        self._threads: list[threading.Thread] = []
        self.origin: float | None = None

    def start(self, delay: float = 0.0) -> None:
        """Starts the clock of the fault phase: every ``after`` counts from now, plus ``delay`` wall seconds."""
        if self.origin is not None:
            raise FaultError("a fault schedule starts once")
        self.origin = self.context.clock.monotonic() + max(0.0, delay)
        for fault in self.faults:
            thread = threading.Thread(
                target=self._run, args=(fault, self.origin), name=f"fault-{fault.id}", daemon=True
            )
            self._threads.append(thread)
            thread.start()

    def wait(self, timeout: float) -> bool:
        """Waits until every fault was injected (and reverted, if it has a duration); whether that happened."""
        return self._join(timeout)

    def stop(self, timeout: float = STOP_TIMEOUT_SECONDS) -> bool:
        """No more injections or automatic reverts; waits for the threads; whether they all ended in time."""
        self._stopped.set()
        return self._join(timeout)

    def revert_all(self) -> list[RevertOutcome]:
        """Stops the schedule and reverts every fault still in the world, newest first (see FaultSet)."""
        self.stop()
        return self.fault_set.revert_all(on_reverted=self._on_reverted)

    def _join(self, timeout: float) -> bool:
        clock = self.context.clock
        deadline = clock.monotonic() + timeout
        for thread in self._threads:
            thread.join(max(0.0, deadline - clock.monotonic()))
        return not any(thread.is_alive() for thread in self._threads)

    def _run(self, fault: FaultBase, origin: float) -> None:
        clock = self.context.clock
        if not pause_until(clock, origin + self.context.wall_seconds(fault.after.total_seconds()), self._stopped):
            return
        notify(self._on_injecting, fault)
        try:
            active = self.fault_set.inject(fault, self.context)
        except DrillbitError as error:
            notify(self._on_failed, fault, error)
            return
        notify(self._on_injected, active)
        if fault.duration is None:
            return
        ends = clock.monotonic() + self.context.wall_seconds(fault.duration.total_seconds())
        if pause_until(clock, ends, self._stopped):
            outcome = active.try_revert()
            if outcome is not None:
                notify(self._on_reverted, outcome)
