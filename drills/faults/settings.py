"""Config and deploy faults: a service redeployed with changed or missing settings, or at another version.

The settings a fault changes are remembered before it redeploys; reverting redeploys the service with those
keys back at their old values (a key the fault added is removed again). When a responder already put them back
and the service is healthy, reverting does nothing. A service that does not come up with the bad settings is
the fault working as written (a release that crashes at start): it stays injected, and reverting starts it
with the original settings.

A secret the fault puts in (a stale shared secret, a new credential) is one the drill masks from then on.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from drills.errors import FaultError, ServiceStartError
from drills.faults.active import ActiveFault
from drills.faults.kinds.config import ConfigFault
from drills.faults.kinds.deploy import DeployFault
from drills.world.context import DrillContext

VERSION_SETTING = "APP_VERSION"


@dataclass
class Redeployed:
    """A service running with settings a fault changed, and the values they had before."""

    service: str
    context: DrillContext
    changed: tuple[str, ...]
    original: Mapping[str, str | None]
    summary: str
    start_failure: str | None = None

    def describe(self) -> str:
        text = self.summary
        if self.start_failure is not None:
            text += f"; it did not come up: {self.start_failure}"
        return text

    def undo(self) -> None:
        world = self.context.world
        current = world.settings(self.service)
        if {key: current.get(key) for key in self.changed} == dict(self.original) and world.healthy(self.service):
            return
        try:
            world.redeploy(self.service, self.original)
        except ServiceStartError as error:
            raise FaultError(
                f"{self.service} did not come up again with its original settings: {error.message}", hint=error.hint
            ) from error


def inject_config(fault: ConfigFault, context: DrillContext) -> ActiveFault:
    changes = _changes(fault.settings, fault.unset)
    summary = f"{fault.service} redeployed with {_keys(fault.settings, fault.unset)}"
    return ActiveFault(fault, _redeploy(fault.service, changes, summary, context))


def inject_deploy(fault: DeployFault, context: DrillContext) -> ActiveFault:
    changes = {**_changes(fault.settings, fault.unset), VERSION_SETTING: fault.version}
    summary = f"{fault.service} deployed at version {fault.version}"
    if fault.settings or fault.unset:
        summary += f" with {_keys(fault.settings, fault.unset)}"
    return ActiveFault(fault, _redeploy(fault.service, changes, summary, context))


def _changes(settings: Mapping[str, str], unset: tuple[str, ...]) -> dict[str, str | None]:
    changes: dict[str, str | None] = dict(settings)
    changes.update(dict.fromkeys(unset))
    return changes


def _redeploy(service: str, changes: Mapping[str, str | None], summary: str, context: DrillContext) -> Redeployed:
    world = context.world
    context.learn_settings(service, changes)
    before = world.settings(service)
    original = {key: before.get(key) for key in changes}
    redeployed = Redeployed(service, context, tuple(changes), original, summary)
    try:
        world.redeploy(service, changes)
    except ServiceStartError as error:
        redeployed.start_failure = error.message.splitlines()[0]
    return redeployed


def _keys(settings: Mapping[str, str], unset: tuple[str, ...]) -> str:
    """Which settings changed, by name only: their values may be secrets."""
    parts = []
    if settings:
        parts.append(", ".join(sorted(settings)) + " changed")
    if unset:
        parts.append(", ".join(sorted(unset)) + " unset")
    return " and ".join(parts)
