"""``kind: provider``: a fake provider told, through its control API, to misbehave."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import Field, JsonValue

from drills.faults.registry import FaultBase, FaultKind, register
from drills.language.fields import SLUG, ServiceName, SpecModel, matching

if TYPE_CHECKING:
    from drills.faults.active import ActiveFault
    from drills.world.context import DrillContext


class ProviderAction(SpecModel):
    """``POST /_control/<action>`` on a fake, with a JSON body."""

    action: Annotated[str, matching(SLUG, "a control action like rotate-client-secret")]
    body: dict[str, JsonValue] = Field(default_factory=dict)


class ProviderFault(FaultBase, ProviderAction):
    """A fake provider told, through its control API, to misbehave: rotate a secret, revoke, rate-limit, fail.

    ``revert`` is the control action that undoes it; by default ``reset`` (clear the provider's faults).
    """

    kind: Literal["provider"]
    service: ServiceName
    revert: ProviderAction = ProviderAction(action="reset")


def inject(fault: ProviderFault, context: DrillContext) -> ActiveFault:
    from drills.faults.provider import inject_provider

    return inject_provider(fault, context)


register(FaultKind("provider", ProviderFault, inject))
