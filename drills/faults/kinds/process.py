"""``kind: process``: a service's process stopped, killed, paused or restarted, the way an operator or a crash would.

Reverting resumes a paused service and waits until it answers its health check; for the other actions it makes
sure the service runs: a service a responder already started (and that is healthy) is left alone, anything else
is stopped for good measure and started again. A proxy server that came back without its proxies (toxiproxy keeps
them in memory) gets them back on their old ports.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final, Literal

from drills.clock import wait_for
from drills.errors import FaultError, ServiceStartError
from drills.faults.active import ActiveFault
from drills.faults.base import FaultBase
from drills.faults.registry import FaultKind, register
from drills.language.fields import ServiceName
from drills.world.targets import ServiceTarget, Target

if TYPE_CHECKING:
    from drills.world.context import DrillContext

RESUME_TIMEOUT_SECONDS: Final = 10.0
PAST_TENSE: Final = {"stop": "stopped", "kill": "killed", "pause": "paused", "restart": "restarted"}


class ProcessFault(FaultBase):
    """A service's process stopped, killed, paused or restarted."""

    kind: Literal["process"]
    service: ServiceName
    action: Literal["stop", "kill", "pause", "restart"]

    @property
    def revert_action(self) -> Literal["start", "resume"] | None:
        """What undoes the action: a restart needs nothing undone."""
        if self.action == "pause":
            return "resume"
        return None if self.action == "restart" else "start"


@dataclass
class ProcessChanged:
    """A service's process after an operator's action."""

    fault: ProcessFault
    context: DrillContext
    start_failure: str | None = None

    def describe(self) -> str:
        text = f"{self.fault.service} {PAST_TENSE[self.fault.action]}"
        if self.start_failure is not None:
            text += f", and it did not come up again: {self.start_failure}"
        return text

    def undo(self) -> None:
        if self.fault.revert_action == "resume":
            self._resume()
        else:
            ensure_running(self.fault.service, self.context)

    def _resume(self) -> None:
        world, service = self.context.world, self.fault.service
        world.resume(service)
        if not wait_for(lambda: world.healthy(service), RESUME_TIMEOUT_SECONDS, self.context.clock):
            raise FaultError(
                f"{service} was resumed but did not answer its health check in {RESUME_TIMEOUT_SECONDS:g}s"
            )


def ensure_running(service: str, context: DrillContext) -> None:
    """Starts ``service`` unless it is already running and healthy."""
    world = context.world
    if world.healthy(service):
        return
    world.stop(service)
    try:
        world.start(service)
    except ServiceStartError as error:
        raise FaultError(f"{service} could not be started again: {error.message}", hint=error.hint) from error


def inject(fault: ProcessFault, context: DrillContext) -> ActiveFault:
    """Acts on the service's process now; a restart whose start fails stays in, for reverting to start it."""
    world = context.world
    changed = ProcessChanged(fault, context)
    if fault.action == "stop":
        world.stop(fault.service)
    elif fault.action == "kill":
        world.kill(fault.service)
    elif fault.action == "pause":
        world.pause(fault.service)
    else:
        try:
            world.restart(fault.service)
        except ServiceStartError as error:
            # The service is down, which is a fault of its own: keep it, and let reverting start it.
            changed.start_failure = error.message.splitlines()[0]
    return ActiveFault(fault, changed)


def aims(fault: ProcessFault, context: DrillContext) -> Sequence[Target]:
    """The service whose process it acts on, through the world's runtime."""
    return (ServiceTarget(fault.service),)


register(FaultKind("process", ProcessFault, inject, aims))
