"""Network faults, through the world's toxiproxy HTTP API: a toxic on a proxy, or the proxy taken down.

A toxic is named after its fault, so reverting deletes exactly that toxic; one already gone (a responder removed
it, the proxy was reset) is fine. ``proxy_down`` disables the proxy and reverting sets ``enabled`` back to what it
was before the fault.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import httpx
from pydantic import JsonValue

from drills.errors import FaultError
from drills.faults.active import ActiveFault
from drills.faults.kinds.network import NetworkFault, toxiproxy_url
from drills.world.context import DrillContext
from drills.world.tls import trusted

API_TIMEOUT_SECONDS: Final = 5.0


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
                hint="network faults need a world with toxiproxy, like the reference world",
            )
        return cls(url)

    def call(self, method: str, path: str, body: JsonValue = None) -> httpx.Response:
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


def inject_network(fault: NetworkFault, context: DrillContext) -> ActiveFault:
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
