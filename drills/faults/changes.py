"""Settings a redeploy sets and removes, and the redeploy that changes them: what config and deploy faults share.

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
from typing import TYPE_CHECKING, Final, Self

from pydantic import Field, model_validator

from drills.errors import FaultError, ServiceStartError
from drills.language.fields import ServiceName, SettingName, Settings, SpecModel, field_error

if TYPE_CHECKING:
    from drills.world.context import DrillContext

VERSION_SETTING: Final = "APP_VERSION"
"""The setting that is a service's version: what a deploy fault's ``version`` sets."""


class SettingChanges(SpecModel):
    """Settings to set and settings to remove when a service is redeployed."""

    service: ServiceName
    settings: Settings = Field(default_factory=dict)
    unset: tuple[SettingName, ...] = ()

    @model_validator(mode="after")
    def _no_conflict(self) -> Self:
        both = sorted(set(self.settings) & set(self.unset))
        if both:
            raise field_error("unset", f"{both[0]} is both set and unset")
        return self

    def changes(self) -> dict[str, str | None]:
        """Every setting changed: its new value, or None for one removed."""
        changes: dict[str, str | None] = dict(self.settings)
        changes.update(dict.fromkeys(self.unset))
        return changes

    def changed_names(self) -> str:
        """Which settings change, by name only (their values may be secrets): ``A, B changed and C unset``."""
        parts = []
        if self.settings:
            parts.append(", ".join(sorted(self.settings)) + " changed")
        if self.unset:
            parts.append(", ".join(sorted(self.unset)) + " unset")
        return " and ".join(parts)


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


def redeploy(service: str, changes: Mapping[str, str | None], summary: str, context: DrillContext) -> Redeployed:
    """Redeploys ``service`` with ``changes`` (None removes a setting), remembering the values they replace."""
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
