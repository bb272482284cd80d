"""``kind: process``: a service's process stopped, killed, paused or restarted."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Literal

from drills.faults.base import FaultBase
from drills.faults.registry import FaultKind, register
from drills.language.fields import ServiceName
from drills.world.targets import ServiceTarget, Target

if TYPE_CHECKING:
    from drills.faults.active import ActiveFault
    from drills.world.context import DrillContext


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


def inject(fault: ProcessFault, context: DrillContext) -> ActiveFault:
    from drills.faults.process import inject_process

    return inject_process(fault, context)


def aims(fault: ProcessFault, context: DrillContext) -> Sequence[Target]:
    """The service whose process it acts on, through the world's runtime."""
    return (ServiceTarget(fault.service),)


register(FaultKind("process", ProcessFault, inject, aims))
