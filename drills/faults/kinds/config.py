"""``kind: config``: a service redeployed with changed or missing settings (a secret, a URL, a pool size)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Literal, Self

from pydantic import model_validator

from drills.faults.active import ActiveFault
from drills.faults.base import FaultBase
from drills.faults.changes import SettingChanges, redeploy
from drills.faults.registry import FaultKind, register
from drills.world.targets import ServiceTarget, Target

if TYPE_CHECKING:
    from drills.world.context import DrillContext


class ConfigFault(FaultBase, SettingChanges):
    """A service redeployed with changed or missing settings (a secret, a URL, a pool size)."""

    kind: Literal["config"]

    @model_validator(mode="after")
    def _changes_something(self) -> Self:
        if not self.settings and not self.unset:
            raise ValueError("a config fault changes settings or unsets some: give settings or unset")
        return self


def inject(fault: ConfigFault, context: DrillContext) -> ActiveFault:
    """Redeploys the service with the fault's settings set and unset; reverting puts the old values back."""
    summary = f"{fault.service} redeployed with {fault.changed_names()}"
    return ActiveFault(fault, redeploy(fault.service, fault.changes(), summary, context))


def aims(fault: ConfigFault, context: DrillContext) -> Sequence[Target]:
    """The service it redeploys, through the world's runtime."""
    return (ServiceTarget(fault.service),)


register(FaultKind("config", ConfigFault, inject, aims))
