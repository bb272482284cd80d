"""``kind: network``: a toxic on one of the world's proxies, or the proxy taken down."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Final, Literal, Self

from pydantic import Field, model_validator

from drills.faults.base import FaultBase
from drills.faults.registry import FaultKind, register
from drills.language.fields import ServiceName, field_error
from drills.world.targets import Target, UrlTarget

if TYPE_CHECKING:
    from drills.faults.active import ActiveFault
    from drills.world.context import DrillContext
    from drills.world.protocol import World

ToxicType = Literal["latency", "bandwidth", "slow_close", "timeout", "reset_peer", "slicer", "limit_data"]
# Toxiproxy's own attribute names and units (milliseconds, KB/s, bytes, microseconds for slicer's delay):
# a toxic acts on the wire in wall time, so its numbers are not scaled. The first ones listed are required.
TOXIC_ATTRIBUTES: Final[dict[str, tuple[tuple[str, ...], tuple[str, ...]]]] = {
    "latency": (("latency",), ("jitter",)),
    "bandwidth": (("rate",), ()),
    "slow_close": ((), ("delay",)),
    "timeout": ((), ("timeout",)),
    "reset_peer": ((), ("timeout",)),
    "slicer": (("average_size",), ("size_variation", "delay")),
    "limit_data": (("bytes",), ()),
}


class NetworkFault(FaultBase):
    """A toxic on one of toxiproxy's proxies, or the proxy taken down (``proxy_down: true``)."""

    kind: Literal["network"]
    proxy: ServiceName
    toxic: ToxicType | None = None
    attributes: dict[str, int] = Field(default_factory=dict)
    stream: Literal["upstream", "downstream"] = "downstream"
    toxicity: float = Field(default=1.0, ge=0, le=1)
    proxy_down: bool = False

    @model_validator(mode="after")
    def _toxic_or_down(self) -> Self:
        if self.proxy_down == (self.toxic is not None):
            raise ValueError("a network fault has a toxic, or proxy_down: true, one of the two")
        if self.proxy_down and self.given("attributes", "stream", "toxicity"):
            raise field_error("proxy_down", "attributes, stream and toxicity belong to a toxic, not to proxy_down")
        if self.toxic is not None:
            _check_attributes(self.toxic, self.attributes)
        return self


def _check_attributes(toxic: str, attributes: dict[str, int]) -> None:
    required, optional = TOXIC_ATTRIBUTES[toxic]
    unknown = sorted(set(attributes) - {*required, *optional})
    if unknown:
        allowed = ", ".join([*required, *optional]) or "none"
        raise field_error("attributes", f"a {toxic} toxic has no attribute {unknown[0]!r} (it has: {allowed})")
    missing = [name for name in required if name not in attributes]
    if missing:
        raise field_error("toxic", f"a {toxic} toxic needs attributes: {', '.join(missing)}")


def inject(fault: NetworkFault, context: DrillContext) -> ActiveFault:
    from drills.faults.network import inject_network  # httpx loads when a fault goes in, not on validation

    return inject_network(fault, context)


def toxiproxy_url(world: World) -> str | None:
    """Where the world's toxiproxy answers its HTTP API, or None when the world runs none."""
    endpoint = world.endpoints.get(world.spec.proxy_server)
    return None if endpoint is None else endpoint.url


def aims(fault: NetworkFault, context: DrillContext) -> Sequence[Target]:
    """The world's toxiproxy API, where the toxic goes (a world without one is the injector's to refuse)."""
    url = toxiproxy_url(context.world)
    return () if url is None else (UrlTarget(url),)


register(FaultKind("network", NetworkFault, inject, aims))
