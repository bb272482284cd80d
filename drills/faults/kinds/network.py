"""``kind: network``: a toxic on one of the world's proxies, or the proxy taken down, through toxiproxy's HTTP API.

A toxic is named after its fault, so reverting deletes exactly that toxic; one already gone (a responder removed
it, the proxy was reset) is fine. ``proxy_down`` disables the proxy and reverting sets ``enabled`` back to what it
was before the fault. httpx loads when a fault goes in, not when a scenario is validated.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final, Literal, Self

from pydantic import Field, JsonValue, model_validator

from drills.errors import FaultError
from drills.faults.active import ActiveFault
from drills.faults.base import FaultBase
from drills.faults.registry import FaultKind, register
from drills.language.fields import ServiceName, field_error
from drills.world.targets import Target, UrlTarget

if TYPE_CHECKING:
    import httpx

    from drills.world.context import DrillContext
    from drills.world.protocol import World

API_TIMEOUT_SECONDS: Final = 5.0
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


def toxiproxy_url(world: World) -> str | None:
    """Where the world's toxiproxy answers its HTTP API, or None when the world runs none."""
    endpoint = world.endpoints.get(world.spec.proxy_server)
    return None if endpoint is None else endpoint.url


@dataclass(frozen=True)
class ToxiproxyApi:
    """The world's toxiproxy server, spoken to one request at a time."""

    url: str

    @classmethod
    def of(cls, context: DrillContext) -> ToxiproxyApi:
        """The world's toxiproxy, as the fault's ``aims`` named it (and injection checked it)."""
        url = toxiproxy_url(context.world)
        if url is None:
            raise FaultError(
                f"this world has no {context.world.spec.proxy_server} service to put network faults on",
                hint="network faults need a world with a toxiproxy service, as every world of docker-compose.yml has",
            )
        return cls(url)

    def call(self, method: str, path: str, body: JsonValue = None) -> httpx.Response:
        import httpx

        from drills.world.tls import trusted

        try:
            with httpx.Client(trust_env=False, timeout=API_TIMEOUT_SECONDS, verify=trusted()) as client:
                return client.request(method, f"{self.url}{path}", json=body)
        except httpx.HTTPError as error:
            raise FaultError(
                f"toxiproxy at {self.url} did not answer {method} {path}: {error}",
                hint="is the toxiproxy service running? A process fault on it, or a crash, takes every proxy down",
            ) from error

    def expect(self, answer: httpx.Response, *allowed: int) -> httpx.Response:
        if answer.status_code not in allowed:
            request = answer.request
            raise FaultError(
                f"toxiproxy answered {request.method} {request.url.path} with {answer.status_code}: "
                f"{_toxiproxy_error(answer)}"
            )
        return answer


def _toxiproxy_error(answer: httpx.Response) -> str:
    try:
        body = answer.json()
    except ValueError:
        return answer.text.strip()[:200]
    return str(body.get("error", body)) if isinstance(body, dict) else str(body)[:200]


@dataclass
class ToxicAdded:
    """A toxic on a proxy, named after its fault."""

    api: ToxiproxyApi
    fault: NetworkFault

    def describe(self) -> str:
        attributes = ", ".join(f"{name}={value}" for name, value in sorted(self.fault.attributes.items()))
        details = ", ".join(filter(None, [self.fault.stream, f"toxicity {self.fault.toxicity:g}", attributes]))
        return f"{self.fault.toxic} toxic on proxy {self.fault.proxy} ({details})"

    def undo(self) -> None:
        answer = self.api.call("DELETE", f"/proxies/{self.fault.proxy}/toxics/{self.fault.id}")
        # 404: the toxic (or its whole proxy) is already gone, which is what reverting wants.
        self.api.expect(answer, 204, 200, 404)


@dataclass
class ProxyDisabled:
    """A proxy that refuses every connection until it is enabled again."""

    api: ToxiproxyApi
    proxy: str
    was_enabled: bool

    def describe(self) -> str:
        return f"proxy {self.proxy} down (every connection through it refused)"

    def undo(self) -> None:
        answer = self.api.call("POST", f"/proxies/{self.proxy}", {"enabled": self.was_enabled})
        self.api.expect(answer, 200)


def inject(fault: NetworkFault, context: DrillContext) -> ActiveFault:
    """Adds the fault's toxic to its proxy, or takes the proxy down, remembering whether it was enabled."""
    api = ToxiproxyApi.of(context)
    _check_proxy(fault.proxy, context)
    if fault.proxy_down:
        current = api.expect(api.call("GET", f"/proxies/{fault.proxy}"), 200).json()
        api.expect(api.call("POST", f"/proxies/{fault.proxy}", {"enabled": False}), 200)
        return ActiveFault(fault, ProxyDisabled(api, fault.proxy, was_enabled=bool(current.get("enabled", True))))
    toxic: JsonValue = {
        "name": fault.id,
        "type": fault.toxic,
        "stream": fault.stream,
        "toxicity": fault.toxicity,
        "attributes": dict(fault.attributes),
    }
    api.expect(api.call("POST", f"/proxies/{fault.proxy}/toxics", toxic), 200)
    return ActiveFault(fault, ToxicAdded(api, fault))


def _check_proxy(proxy: str, context: DrillContext) -> None:
    proxies = context.world.proxies
    if proxy not in proxies:
        raise FaultError(
            f"this world has no proxy named {proxy!r}",
            hint=f"its proxies are: {', '.join(sorted(proxies)) or 'none'}",
        )


def aims(fault: NetworkFault, context: DrillContext) -> Sequence[Target]:
    """The world's toxiproxy API, where the toxic goes (a world without one is the injector's to refuse)."""
    url = toxiproxy_url(context.world)
    return () if url is None else (UrlTarget(url),)


register(FaultKind("network", NetworkFault, inject, aims))
