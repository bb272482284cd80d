"""What a drill may aim at: the world's own services, and nothing else.

A target passes when its host is loopback (``127.0.0.0/8``, ``::1``, ``localhost``) and its port is one of the
world's endpoints or proxies; on a runtime whose services live on another network (docker), a host:port that is
exactly one of the world's endpoints passes too. Everything else raises :class:`TargetRefusedError`, before a
single byte is sent: a typo in a scenario can never reach a real system.

Each check reads the target the way the client that will use it does: an HTTP URL as httpx parses it, a
database URL as libpq does (every host, ``hostaddr`` and port in it), so what is checked is what is reached.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from typing import Final, Protocol
from urllib.parse import urlsplit

import httpx
import psycopg
from psycopg.conninfo import conninfo_to_dict

from drills.errors import TargetRefusedError
from drills.world.protocol import Endpoint, World

LOOPBACK: Final = "127.0.0.1"
"""The address a local world's services listen on, and the one a drill's targets are expected at."""
DEFAULT_PORTS: Final = {"http": 80, "https": 443, "postgres": 5432, "postgresql": 5432, "redis": 6379, "rediss": 6379}
# Connection parameters that would send libpq somewhere the URL does not show.
_INDIRECT_PARAMETERS: Final = ("service", "servicefile")


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


def check_address(host: str, port: int, world: WorldAddresses) -> None:
    """Refuses ``host:port`` unless it is one of the world's services."""
    reason = _refusal(host, port, world)
    if reason is not None:
        raise _refused(_show(host, port), reason, world)


def check_service(service: str, world: World) -> None:
    """Refuses a service name that is not one of the world's (a process, config or provider fault's target)."""
    names = world.spec.names()
    if service not in names:
        raise TargetRefusedError(
            f"{service!r} is not a service of this world; a drill never touches anything outside its world",
            hint=f"its services are: {', '.join(sorted(names))}",
        )


def check_url(url: str, world: WorldAddresses) -> None:
    """Refuses a URL (http, https, postgresql, redis...) unless it points at one of the world's services."""
    try:
        host, port = _http_address(url) if url.lower().startswith(("http:", "https:")) else _address(url)
    except ValueError as error:
        raise _refused(_without_credentials(url), str(error), world) from None
    reason = _refusal(host, port, world)
    if reason is not None:
        raise _refused(_without_credentials(url), reason, world)


def check_database(conninfo: str, world: WorldAddresses) -> None:
    """Refuses a libpq connection string or URL unless every host it may connect to is the world's."""
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
            raise _refused(_show(host, port), "its port is not a number", world)
        check_address(host.strip(), int(port), world)


def _http_address(url: str) -> tuple[str, int]:
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
        f"{target} is not a service of this world ({reason}); a drill never touches anything outside its world",
        hint=f"aim at one of the world's services through a reference like {{app.url}}: {known or 'none'}",
    )


def _show(host: str, port: int | str) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def _without_credentials(url: str) -> str:
    """The URL as it can be shown: a password in it would otherwise end up in an error message."""
    try:
        parsed = urlsplit(url)
    except ValueError:
        return "the URL"
    if "@" not in parsed.netloc:
        return url
    return parsed._replace(netloc=parsed.netloc.rsplit("@", 1)[1]).geturl()
