"""Every fault a drill injected, so that all of them are reverted when it ends, however it ends.

``revert_all`` goes through the faults newest first and gives every one its attempt: a failure is reported in
its :class:`RevertOutcome`, never raised and never a reason to skip the rest. Even Ctrl-C in the middle does not
skip them; it is raised again once every fault had its turn. After ``revert_all`` the set is closed: a fault
still being injected then is reverted the moment it lands, and new ones are refused.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Final, ParamSpec

from drills.errors import FaultError
from drills.faults.active import ActiveFault, RevertOutcome
from drills.faults.base import FaultBase
from drills.faults.injection import inject
from drills.world.context import DrillContext

IN_FLIGHT_TIMEOUT_SECONDS: Final = 60.0

logger = logging.getLogger(__name__)

P = ParamSpec("P")


class FaultSet:
    """The faults of one drill, in the order they were injected (thread-safe)."""

    def __init__(self) -> None:
        self._faults: list[ActiveFault] = []
        self._in_flight = 0
        self._closed = False
        self._changed = threading.Condition()

    def inject(self, fault: FaultBase, context: DrillContext) -> ActiveFault:
        """Injects ``fault`` now and keeps it; raises as :func:`drills.faults.injection.inject` does."""
        with self._changed:
            if self._closed:
                raise FaultError(f"fault {fault.id!r} was not injected: the drill's faults are being reverted")
            self._in_flight += 1
        try:
            active = inject(fault, context)
        finally:
            with self._changed:
                self._in_flight -= 1
                self._changed.notify_all()
        self.add(active)
        return active

    def add(self, active: ActiveFault) -> None:
        """Keeps a fault injected elsewhere; once the set is closed, reverts it at once instead (and says so)."""
        with self._changed:
            if not self._closed:
                self._faults.append(active)
                return
        outcome = active.try_revert()
        problem = "" if outcome is None or outcome.ok else f", and reverting it failed: {outcome.error}"
        raise FaultError(f"fault {active.fault_id!r} landed after the drill's faults were reverted{problem}")

    def faults(self) -> list[ActiveFault]:
        """Every fault kept, oldest first, reverted or not."""
        with self._changed:
            return list(self._faults)

    def active(self) -> list[ActiveFault]:
        """The faults still in the world, oldest first."""
        return [fault for fault in self.faults() if not fault.reverted]

    def revert_all(self, on_reverted: Callable[[RevertOutcome], None] | None = None) -> list[RevertOutcome]:
        """Reverts every fault not yet reverted, newest first; one outcome for each fault it tried.

        ``on_reverted`` hears each outcome as it happens, so none is lost if an interrupt is raised at the end.
        """
        with self._changed:
            self._closed = True
            if not self._changed.wait_for(lambda: self._in_flight == 0, IN_FLIGHT_TIMEOUT_SECONDS):
                logger.error(
                    "%d faults still being injected after %gs; each is reverted when it lands",
                    self._in_flight,
                    IN_FLIGHT_TIMEOUT_SECONDS,
                )
            pending = list(reversed(self._faults))
        outcomes: list[RevertOutcome] = []
        interrupted: BaseException | None = None
        for active in pending:
            try:
                outcome = active.try_revert()
            except BaseException as error:
                # Ctrl-C (or anything else) while one fault reverts must not leave the others in the world.
                interrupted = interrupted or error
                outcome = RevertOutcome(active.fault_id, ok=False, error=f"interrupted: {type(error).__name__}")
            if outcome is not None:
                outcomes.append(outcome)
                if on_reverted is not None:
                    notify(on_reverted, outcome)
        if interrupted is not None:
            raise interrupted
        return outcomes


def notify(handler: Callable[P, None], *args: P.args, **kwargs: P.kwargs) -> None:
    """Calls an observer; one that fails is logged and never breaks the drill."""
    try:
        handler(*args, **kwargs)
    except Exception:
        logger.exception("a fault observer failed on %r", args)
