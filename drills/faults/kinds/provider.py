"""``kind: provider``: a fake provider told, through its control API, to misbehave."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import Field, JsonValue

from drills.faults.base import FaultBase
from drills.faults.registry import FaultKind, register
from drills.language.fields import SLUG, ServiceName, SpecModel, matching
from drills.world.targets import ServiceTarget, Target, UrlTarget

if TYPE_CHECKING:
    from drills.faults.active import ActiveFault
    from drills.world.context import DrillContext
    from drills.world.protocol import World


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


def control_url(service: str, action: ProviderAction, world: World) -> str | None:
    """Where ``service`` takes ``action`` (``POST``), or None while it has no address."""
    endpoint = world.endpoints.get(service)
    return None if endpoint is None else f"{endpoint.url}/_control/{action.action}"


def control_aims(service: str, action: ProviderAction, world: World) -> Sequence[Target]:
    """What calling a control action aims at: the service, and its control URL once it has an address."""
    url = control_url(service, action, world)
    return (ServiceTarget(service),) if url is None else (ServiceTarget(service), UrlTarget(url))


def aims(fault: ProviderFault, context: DrillContext) -> Sequence[Target]:
    """The provider and its control action (its revert goes to the same service, and is checked when it runs)."""
    return control_aims(fault.service, fault, context.world)


register(FaultKind("provider", ProviderFault, inject, aims))
