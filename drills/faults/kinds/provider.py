"""``kind: provider``: a fake third party told, through ``POST /_control/<action>``, to misbehave, and to stop.

The body's references (``{secrets.mail_api_key}``) are resolved when the call is made, so a revert that puts a
credential back uses the value the world has then. Any answer other than 2xx is a :class:`FaultError` naming the
service, the action and the status. A credential in a body or an answer (any text under a key named like a secret:
``client_secret``, ``api_key``) is one the drill masks from the moment the call is made. httpx loads when a
fault goes in, not when a scenario is validated.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Final, Literal

from pydantic import Field, JsonValue

from drills.errors import FaultError
from drills.faults.active import ActiveFault
from drills.faults.base import FaultBase
from drills.faults.registry import FaultKind, register
from drills.language.fields import SLUG, ServiceName, SpecModel, matching
from drills.reports.redaction import is_secret_name
from drills.world.targets import ServiceTarget, Target, UrlTarget, check_all

if TYPE_CHECKING:
    from drills.world.context import DrillContext
    from drills.world.protocol import World

CONTROL_TIMEOUT_SECONDS: Final = 5.0


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


def control_url(service: str, action: ProviderAction, world: World) -> str | None:
    """Where ``service`` takes ``action`` (``POST``), or None while it has no address."""
    endpoint = world.endpoints.get(service)
    return None if endpoint is None else f"{endpoint.url}/_control/{action.action}"


def control_aims(service: str, action: ProviderAction, world: World) -> Sequence[Target]:
    """What calling a control action aims at: the service, and its control URL once it has an address."""
    url = control_url(service, action, world)
    return (ServiceTarget(service),) if url is None else (ServiceTarget(service), UrlTarget(url))


def control(service: str, action: ProviderAction, context: DrillContext) -> JsonValue:
    """Calls a fake's control action and answers its JSON; raises :class:`FaultError` unless it answered 2xx.

    A revert comes here long after injection checked the fault, so the action's targets are checked again.
    """
    import httpx

    from drills.world.tls import trusted

    world = context.world
    check_all(control_aims(service, action, world), world)
    url = control_url(service, action, world)
    if url is None:
        raise FaultError(f"{service} has no address yet: is it running?")
    what = f"{service}'s control action {action.action}"
    context.masks.add(*credentials(action.body))
    try:
        with httpx.Client(trust_env=False, timeout=CONTROL_TIMEOUT_SECONDS, verify=trusted()) as client:
            answer = client.post(url, json=dict(action.body))
    except httpx.HTTPError as error:
        raise FaultError(f"{what} could not be called: {type(error).__name__}: {error}") from error
    if not answer.is_success:
        raise FaultError(
            f"{what} answered {answer.status_code}: {answer.text.strip()[:200]}",
            hint="the control API of each fake is in docs/world.md",
        )
    try:
        result: JsonValue = answer.json()
    except ValueError:
        return None
    context.masks.add(*credentials(result))
    return result


def credentials(value: JsonValue, *, secret: bool = False) -> Iterator[str]:
    """Every text under a key named like a secret (``client_secret``, ``api_key``), at any depth."""
    if isinstance(value, str) and secret:
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from credentials(item, secret=secret or is_secret_name(key))
    elif isinstance(value, list):
        for item in value:
            yield from credentials(item, secret=secret)


@dataclass
class ProviderMisbehaving:
    """A fake told to misbehave, and the action that makes it stop."""

    fault: ProviderFault
    context: DrillContext

    def describe(self) -> str:
        details = ", ".join(_shown(key, value) for key, value in sorted(self.fault.body.items()))
        return f"{self.fault.service}: {self.fault.action}" + (f" ({details})" if details else "")

    def undo(self) -> None:
        control(self.fault.service, self.fault.revert, self.context)


def _shown(key: str, value: JsonValue) -> str:
    """Numbers and flags as they are; text only by name, since it may be a credential."""
    if isinstance(value, bool | int | float) or value is None:
        return f"{key}={json.dumps(value)}"
    return key


def inject(fault: ProviderFault, context: DrillContext) -> ActiveFault:
    """Calls the fault's control action now; reverting calls its ``revert`` action."""
    control(fault.service, fault, context)
    return ActiveFault(fault, ProviderMisbehaving(fault, context))


def aims(fault: ProviderFault, context: DrillContext) -> Sequence[Target]:
    """The provider and its control action (its revert goes to the same service, and is checked when it runs)."""
    return control_aims(fault.service, fault, context.world)


register(FaultKind("provider", ProviderFault, inject, aims))
