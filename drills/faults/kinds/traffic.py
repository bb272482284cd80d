"""``kind: traffic``: requests sent at the world as a client or an attacker would, at a steady pace."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Literal

from pydantic import Field

from drills.faults.base import FaultBase
from drills.faults.registry import FaultKind, register
from drills.language.fields import PositiveDuration
from drills.language.requests import HttpRequest
from drills.world.targets import Target, UrlTarget

if TYPE_CHECKING:
    from drills.faults.active import ActiveFault
    from drills.world.context import DrillContext


class TrafficFault(FaultBase):
    """Requests sent at the world as a client or an attacker would: ``count`` of them, one every ``every``.

    The requests are used in turn, so a few variants (accounts, source addresses) cycle through the load.
    """

    kind: Literal["traffic"]
    requests: tuple[HttpRequest, ...] = Field(min_length=1)
    count: int = Field(ge=1)
    every: PositiveDuration


def inject(fault: TrafficFault, context: DrillContext) -> ActiveFault:
    from drills.faults.traffic import inject_traffic  # httpx loads when a fault goes in

    return inject_traffic(fault, context)


def aims(fault: TrafficFault, context: DrillContext) -> Sequence[Target]:
    """Every request's URL (each is checked again before it is sent)."""
    return tuple(UrlTarget(request.url) for request in fault.requests)


register(FaultKind("traffic", TrafficFault, inject, aims))
