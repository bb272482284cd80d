"""Putting a toxiproxy proxy in front of each dependency, through the proxy server's own HTTP API."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from drills.errors import WorldError
from drills.world.protocol import Endpoint
from drills.world.spec import ProxySpec
from drills.world.tls import trusted


def create(
    api: Endpoint,
    proxies: Sequence[ProxySpec],
    upstreams: Mapping[str, Endpoint],
    ports: Mapping[str, int] | None = None,
) -> dict[str, int]:
    """Creates every proxy, on its port in ``ports`` or a free one; returns each proxy's bound port."""
    ports = ports or {}
    entries = [
        {
            "name": p.name,
            "listen": f"{api.host}:{ports.get(p.name, 0)}",
            "upstream": upstreams[p.upstream].address,
            "enabled": True,
        }
        for p in proxies
    ]
    import httpx  # here, not above: the runtime loads while a world's first processes start

    try:
        answer = httpx.post(f"{api.url}/populate", json=entries, timeout=10.0, verify=trusted())
    except httpx.HTTPError as error:
        raise WorldError(f"toxiproxy at {api.url} did not answer: {error}") from error
    if answer.status_code != 201:
        raise WorldError(f"toxiproxy refused the world's proxies: {answer.status_code} {answer.text}")
    return {proxy["name"]: int(proxy["listen"].rsplit(":", 1)[1]) for proxy in answer.json()["proxies"]}
