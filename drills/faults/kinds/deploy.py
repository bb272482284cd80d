"""``kind: deploy``: a release of a service that misbehaves, another version with changed or missing settings."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Literal

from drills.faults.base import FaultBase
from drills.faults.changes import SettingChanges
from drills.faults.registry import FaultKind, register
from drills.language.fields import NonEmptyText, ServiceName
from drills.world.targets import ServiceTarget, Target

if TYPE_CHECKING:
    from drills.faults.active import ActiveFault
    from drills.world.context import DrillContext


class DeployFault(FaultBase, SettingChanges):
    """A release of a service that misbehaves: another version, with changed or missing settings."""

    kind: Literal["deploy"]
    service: ServiceName = "app"
    version: NonEmptyText


def inject(fault: DeployFault, context: DrillContext) -> ActiveFault:
    from drills.faults.settings import inject_deploy

    return inject_deploy(fault, context)


def aims(fault: DeployFault, context: DrillContext) -> Sequence[Target]:
    """The service it redeploys, through the world's runtime."""
    return (ServiceTarget(fault.service),)


register(FaultKind("deploy", DeployFault, inject, aims))
