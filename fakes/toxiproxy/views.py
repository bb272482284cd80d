"""Proxies and toxics as toxiproxy writes them in JSON, fields in toxiproxy's order."""

from __future__ import annotations

from collections.abc import Sequence

from fakes.toxiproxy.gojson import JsonValue
from fakes.toxiproxy.named_toxic import NamedToxic
from fakes.toxiproxy.proxy import Proxy


def toxic_json(toxic: NamedToxic) -> JsonValue:
    """``{"attributes", "name", "type", "stream", "toxicity"}``: Go puts the embedded attributes first."""
    attributes: dict[str, JsonValue] = dict(toxic.toxic.attributes())
    return {
        "attributes": attributes,
        "name": toxic.name,
        "type": toxic.type,
        "stream": toxic.stream,
        "toxicity": toxic.toxicity,
    }


def proxy_json(proxy: Proxy) -> JsonValue:
    """``{"name", "listen", "upstream", "enabled", "toxics"}``."""
    return {
        "name": proxy.name,
        "listen": proxy.listen,
        "upstream": proxy.upstream,
        "enabled": proxy.enabled,
        "toxics": [toxic_json(toxic) for toxic in proxy.toxics.all()],
    }


def proxies_json(proxies: Sequence[Proxy]) -> JsonValue:
    """A list of proxies; Go writes an empty one as ``null``."""
    return [proxy_json(proxy) for proxy in proxies] or None
