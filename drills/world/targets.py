"""What a drill may aim at: the world's own services, and nothing else. The one rule, for probes and faults alike.

A target passes when its host is loopback (``127.0.0.0/8``, ``::1``, ``localhost``) and its port is one of the
world's endpoints or proxies; on a runtime whose services live on another network (docker), a host:port that is
exactly one of the world's endpoints passes too; a service name passes when the world has that service.
Everything else raises :class:`TargetRefusedError`, before a single byte is sent and before any name is looked
up: a typo in a scenario can never reach a real system.

Every probe kind and fault kind declares what it will contact, as :data:`Target` values (a :class:`UrlTarget`, an
:class:`AddressTarget`, a :class:`DatabaseTarget`, a :class:`ServiceTarget`); the probe evaluator and fault
injection hand them to :func:`check` once the probe or fault is rendered, and only then read or act.

Each check reads the target the way the client that will use it does: an HTTP URL as httpx parses it, a
database URL as libpq does (every host, ``hostaddr`` and port in it), so what is checked is what is reached.
httpx and psycopg load on the first such check, so validating a scenario (which asks :func:`literal_refusal`
about hosts written in it) imports neither.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Final, Protocol
from urllib.parse import urlsplit

from drills.errors import TargetRefusedError
from drills.world.protocol import Endpoint, World

LOOPBACK: Final = "127.0.0.1"
"""The address a local world's services listen on, and the one a drill's targets are expected at."""
DEFAULT_PORTS: Final = {"http": 80, "https": 443, "postgres": 5432, "postgresql": 5432, "redis": 6379, "rediss": 6379}
OUTSIDE: Final = "a drill never touches anything outside its world"
# Connection parameters that would send libpq somewhere the URL does not show.
_INDIRECT_PARAMETERS: Final = ("service", "servicefile")


@dataclass(frozen=True)
class UrlTarget:
    """A URL a client will open: http(s) for a request, postgresql or redis for a server."""

    url: str


@dataclass(frozen=True)
class AddressTarget:
    """A host and port a socket will connect to."""

    host: str
    port: int


@dataclass(frozen=True)
class DatabaseTarget:
    """A libpq connection string or URL: every host it names may be connected to."""

    conninfo: str


@dataclass(frozen=True)
class ServiceTarget:
    """A service of the world, by name: what a process, config or deploy fault acts on."""

    name: str


Target = UrlTarget | AddressTarget | DatabaseTarget | ServiceTarget
"""Something a probe or a fault will contact or act on, as its kind declares it."""


class WorldAddresses(Protocol):
    """The part of a world a target is checked against (every :class:`drills.world.protocol.World` has it)."""

    @property
    def endpoints(self) -> Mapping[str, Endpoint]: ...

    @property
    def proxies(self) -> Mapping[str, Endpoint]: ...


def is_loopback(host: str) -> bool:
    """Whether ``host`` names this machine's loopback interface (an IP literal or ``localhost``)."""
    name = host.strip("[]").rstrip(".").lower()
    if name == "localhost":
        return True
    try:
        address = ipaddress.ip_address(name)
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped.is_loopback
    return address.is_loopback


def check(target: Target, world: World) -> None:
    """Refuses ``target`` unless it is one of the world's services: the rule every probe and fault goes through."""
    if isinstance(target, UrlTarget):
        check_url(target.url, world)
    elif isinstance(target, AddressTarget):
        check_address(target.host, target.port, world)
    elif isinstance(target, DatabaseTarget):
        check_database(target.conninfo, world)
    else:
        check_service(target.name, world)


def check_all(targets: Iterable[Target], world: World) -> None:
    """Refuses the first of ``targets`` that is not the world's; nothing is contacted by checking."""
    for target in targets:
        check(target, world)


def literal_refusal(host: str) -> str | None:
    """Why a host written into a scenario cannot be the world's, or None when it may be.

    Before a world runs its ports are not known, so only the host can be judged: a loopback one may be the
    world's, anything else never is.
    """
    return None if is_loopback(host) else f"{host} is not a loopback address"


def refusal_message(target: str, reason: str) -> str:
    """How a refused target is told, at run time and by ``drillbit validate`` alike."""
    return f"{target} is not a service of this world ({reason}); {OUTSIDE}"


def check_address(host: str, port: int, world: WorldAddresses) -> None:
    """Refuses ``host:port`` unless it is one of the world's services."""
    reason = _refusal(host, port, world)
    if reason is not None:
        raise _refused(show_address(host, port), reason, world)


def check_service(service: str, world: World) -> None:
    """Refuses a service name that is not one of the world's (a process, config or provider fault's target)."""
    names = world.spec.names()
    if service not in names:
        raise TargetRefusedError(
            f"{service!r} is not a service of this world; {OUTSIDE}",
            hint=f"its services are: {', '.join(sorted(names))}",
        )


def check_url(url: str, world: WorldAddresses) -> None:
    """Refuses a URL (http, https, postgresql, redis...) unless it points at one of the world's services."""
    try:
        host, port = _http_address(url) if url.lower().startswith(("http:", "https:")) else _address(url)
    except ValueError as error:
        raise _refused(shown_url(url), str(error), world) from None
    reason = _refusal(host, port, world)
    if reason is not None:
        raise _refused(shown_url(url), reason, world)


def check_database(conninfo: str, world: WorldAddresses) -> None:
    """Refuses a libpq connection string or URL unless every host it may connect to is the world's."""
    import psycopg  # libpq's own reading of the string; loaded when a database is first checked
    from psycopg.conninfo import conninfo_to_dict

    try:
        parameters = conninfo_to_dict(conninfo)
    except psycopg.ProgrammingError as error:
        raise _refused("the database URL", f"it cannot be read: {error}", world) from None
    indirect = [name for name in _INDIRECT_PARAMETERS if name in parameters]
    if indirect:
        raise _refused("the database URL", f"it names a {indirect[0]} instead of a host", world)
    hosts = str(parameters.get("hostaddr") or parameters.get("host") or "")
    ports = str(parameters.get("port") or "")
    if not hosts or not ports:
        raise _refused("the database URL", "it must name its host and port", world)
    host_list, port_list = hosts.split(","), ports.split(",")
    if len(port_list) == 1:
        port_list = port_list * len(host_list)
    if len(port_list) != len(host_list):
        raise _refused("the database URL", "its hosts and ports do not pair up", world)
    for host, port in zip(host_list, port_list, strict=True):
        if not port.strip().isdigit():
            raise _refused(show_address(host, port), "its port is not a number", world)
        check_address(host.strip(), int(port), world)


def _http_address(url: str) -> tuple[str, int]:
    import httpx  # the client's own reading of the URL; loaded when a URL is first checked

    try:
        parsed = httpx.URL(url)
    except httpx.InvalidURL as error:
        raise ValueError(f"it is not a URL: {error}") from None
    if not parsed.host:
        raise ValueError("it has no host")
    return parsed.host, parsed.port or DEFAULT_PORTS[parsed.scheme]


def _address(url: str) -> tuple[str, int]:
    parsed = urlsplit(url)
    if not parsed.hostname:
        raise ValueError("it has no host")
    port = parsed.port or DEFAULT_PORTS.get(parsed.scheme.lower())
    if port is None:
        raise ValueError(f"it has no port, and {parsed.scheme or 'its scheme'} has no default one")
    return parsed.hostname, port


def _refusal(host: str, port: int, world: WorldAddresses) -> str | None:
    """Why ``host:port`` is not the world's, or None when it is."""
    addresses = [*world.endpoints.values(), *world.proxies.values()]
    if is_loopback(host):
        if any(endpoint.port == port for endpoint in addresses if is_loopback(endpoint.host)):
            return None
        return f"no service of this world listens on port {port}"
    if any((endpoint.host.lower(), endpoint.port) == (host.lower(), port) for endpoint in addresses):
        return None
    return f"{host} is not a loopback address"


def _refused(target: str, reason: str, world: WorldAddresses) -> TargetRefusedError:
    services = ", ".join(f"{name} ({endpoint.address})" for name, endpoint in sorted(world.endpoints.items()))
    proxies = ", ".join(f"{name} ({endpoint.address})" for name, endpoint in sorted(world.proxies.items()))
    known = services + (f"; proxies: {proxies}" if proxies else "")
    return TargetRefusedError(
        refusal_message(target, reason),
        hint=f"aim at one of the world's services through a reference like {{app.url}}: {known or 'none'}",
    )


def show_address(host: str, port: int | str) -> str:
    """``host:port`` as a client would write it (an IPv6 host in brackets)."""
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def shown_url(url: str) -> str:
    """The URL as it can be shown: a password or a key in its query would otherwise end up in an error message."""
    try:
        parsed = urlsplit(url)
    except ValueError:
        return "the URL"
    if "@" not in parsed.netloc and not parsed.query:
        return url
    netloc = parsed.netloc.rsplit("@", 1)[-1]
    return parsed._replace(netloc=netloc, query="…" if parsed.query else "").geturl()
