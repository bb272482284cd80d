"""Reading proxies from request bodies (create, update, populate) with toxiproxy's defaults and checks."""

from __future__ import annotations

from dataclasses import dataclass

from fakes.toxiproxy import errors
from fakes.toxiproxy.gojson import GoJsonError, JsonValue, loads
from fakes.toxiproxy.gostruct import Field, Struct, decode

_FIELDS = (Field("name", "string"), Field("listen", "string"), Field("upstream", "string"), Field("enabled", "bool"))
_PROXY = Struct("toxiproxy", "Proxy", _FIELDS)
_POPULATE_ENTRY = 'struct { toxiproxy.Proxy; Enabled *bool "json:\\"enabled\\"" }'
_POPULATE_ENTRY_STRUCT = Struct("toxiproxy", "Proxy", _FIELDS, spelled=_POPULATE_ENTRY)


@dataclass(frozen=True)
class ProxyInput:
    """What a request says a proxy should be."""

    name: str
    listen: str
    upstream: str
    enabled: bool


def parse_create(body: bytes) -> ProxyInput:
    """A ``POST /proxies`` body: enabled unless it says otherwise; name and upstream required."""
    proxy = _proxy(_document(body), ProxyInput("", "", "", enabled=True))
    _require(proxy, "")
    return proxy


def parse_update(body: bytes, current: ProxyInput) -> ProxyInput:
    """A ``PATCH /proxies/{name}`` body: every field it leaves out keeps its current value."""
    return _proxy(_document(body), current)


def parse_populate(body: bytes) -> list[ProxyInput]:
    """A ``POST /populate`` body (or a ``-config`` file): every entry is checked before any is created."""
    document = _document(body)
    if document is None:
        return []
    if not isinstance(document, list):
        raise _bad_body(f"json: cannot unmarshal {_kind(document)} into Go value of type []{_POPULATE_ENTRY}")
    proxies = [_proxy(entry, ProxyInput("", "", "", enabled=True), _POPULATE_ENTRY_STRUCT) for entry in document]
    for number, proxy in enumerate(proxies, start=1):
        _require(proxy, f" at proxy {number}")
    return proxies


def _require(proxy: ProxyInput, where: str) -> None:
    if not proxy.name:
        raise errors.MISSING_FIELD.joined(f"name{where}")
    if not proxy.upstream:
        raise errors.MISSING_FIELD.joined(f"upstream{where}")


def _proxy(document: JsonValue, defaults: ProxyInput, struct: Struct = _PROXY) -> ProxyInput:
    try:
        fields = decode(struct, document)
    except GoJsonError as error:
        raise _bad_body(str(error)) from None
    return ProxyInput(
        name=str(fields.get("name", defaults.name)),
        listen=str(fields.get("listen", defaults.listen)),
        upstream=str(fields.get("upstream", defaults.upstream)),
        enabled=bool(fields.get("enabled", defaults.enabled)),
    )


def _document(body: bytes) -> JsonValue:
    try:
        return loads(body)
    except GoJsonError as error:
        raise _bad_body(str(error)) from None


def _bad_body(detail: str) -> errors.ApiError:
    return errors.BAD_REQUEST_BODY.joined(detail)


def _kind(value: JsonValue) -> str:
    return {dict: "object", str: "string", bool: "bool"}.get(type(value), "number")
