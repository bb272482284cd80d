"""``kind: deploy``: a release of a service that misbehaves, another version with changed or missing settings."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Literal

from drills.faults.active import ActiveFault
from drills.faults.base import FaultBase
from drills.faults.changes import VERSION_SETTING, SettingChanges, redeploy
from drills.faults.registry import FaultKind, register
from drills.language.fields import NonEmptyText, ServiceName
from drills.world.targets import ServiceTarget, Target

if TYPE_CHECKING:
    from drills.world.context import DrillContext


class DeployFault(FaultBase, SettingChanges):
    """A release of a service that misbehaves: another version, with changed or missing settings."""

    kind: Literal["deploy"]
    service: ServiceName = "app"
    version: NonEmptyText


def inject(fault: DeployFault, context: DrillContext) -> ActiveFault:
    """Redeploys the service at the fault's version, with its settings set and unset; reverting puts them back."""
    summary = f"{fault.service} deployed at version {fault.version}"
    if fault.settings or fault.unset:
        summary += f" with {fault.changed_names()}"
    changes = {**fault.changes(), VERSION_SETTING: fault.version}
    return ActiveFault(fault, redeploy(fault.service, changes, summary, context))


def aims(fault: DeployFault, context: DrillContext) -> Sequence[Target]:
    """The service it redeploys, through the world's runtime."""
    return (ServiceTarget(fault.service),)


register(FaultKind("deploy", DeployFault, inject, aims))
