"""The declarative description of a world: its services, how each is started and checked, and its proxies.

Nothing here assumes processes. A service's environment is written as its world file writes it: ``${NAME}`` for
a world variable (a secret, the seed, the clock) and ``service:port`` for another service, or for a proxy
(``toxiproxy:15432``), on the world's network. The docker runtime keeps those addresses (each container is known
on the network by its service's name); the local runtime maps each to the loopback port it gave that service or
proxy (`drills.world.variables`). The local runtime turns a spec into processes; the docker runtime turns the
same spec into containers.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from pathlib import Path

from drills.world.settings import SettingSpec


class ServiceKind(StrEnum):
    """How a service is run: the two real servers, one of our own Python programs, or only as a container."""

    POSTGRES = "postgres"
    REDIS = "redis"
    PYTHON = "python"
    CONTAINER = "container"
    """Says no way to run as a process: only the docker runtime runs it."""


class HealthKind(StrEnum):
    HTTP = "http"
    POSTGRES = "postgres"
    REDIS = "redis"


@dataclass(frozen=True)
class HealthCheck:
    """How to tell that a service is ready: an HTTP GET answering 200, or a real query."""

    kind: HealthKind
    path: str = "/"


@dataclass(frozen=True)
class ContainerSpec:
    """How the docker runtime runs a service: its image (or the image the world file's ``build`` makes), its
    command, and the Compose health check it declares (``test``, as Compose writes it)."""

    image: str | None = None
    build: str | None = None
    """The build context, relative to the world file's folder (``.``: the project's own Dockerfile)."""
    command: tuple[str, ...] = ()
    healthcheck: tuple[str, ...] = ()


@dataclass(frozen=True)
class ServiceSpec:
    """One service of the world."""

    name: str
    kind: ServiceKind
    health: HealthCheck
    module: str | None = None
    env: Mapping[str, str] = field(default_factory=dict)
    depends_on: tuple[str, ...] = ()
    description: str = ""
    settings: tuple[SettingSpec, ...] = ()
    """Every environment variable the service reads (``env`` is what the world gives it, which may be more)."""
    port: int | None = None
    """The port it serves on the world's network (Compose ``expose``); the local runtime picks its own."""
    aliases: tuple[str, ...] = ()
    """Other names it answers to on the world's network: its Compose name, when its world calls it otherwise
    (each product's app is ``app`` in its world). Addresses in the world file use the Compose name."""
    container: ContainerSpec = field(default_factory=ContainerSpec)
    databases: tuple[str, ...] = ()
    """On Postgres: the databases it holds besides the world's own (a scratch copy, a restore target)."""

    def setting(self, name: str) -> SettingSpec | None:
        """The declaration of a setting the service reads; None when it does not read it."""
        return next((setting for setting in self.settings if setting.name == name), None)

    def setting_names(self) -> tuple[str, ...]:
        return tuple(setting.name for setting in self.settings)


@dataclass(frozen=True)
class ProxySpec:
    """A toxiproxy proxy named after the dependency it stands in front of."""

    name: str
    upstream: str
    listen: int | None = None
    """The port the proxy server listens on for it, on the world's network (``toxiproxy:15432``)."""


@dataclass(frozen=True)
class WorldSpec:
    """The services of a world, its proxies, and which service is the proxy server."""

    services: tuple[ServiceSpec, ...]
    proxies: tuple[ProxySpec, ...] = ()
    proxy_server: str = "toxiproxy"
    name: str = "reference"
    """The product the world is (its Compose profile): ``scheduled-reports``, ``bookings``..."""
    description: str = ""
    secrets: tuple[str, ...] = ()
    """The world variables that are secrets, random for each world (``POSTGRES_PASSWORD``...)."""
    policy: Path | None = None
    """The world's severity policy file; None: drillbit's own."""
    source: Path | None = None
    """The world file it was read from: a service's ``build`` context is read against its folder."""

    def service(self, name: str) -> ServiceSpec:
        for service in self.services:
            if service.name == name:
                return service
        raise KeyError(name)

    @property
    def databases(self) -> tuple[str, ...]:
        """Every database its Postgres holds besides the world's own."""
        return tuple(database for service in self.services for database in service.databases)

    def names(self) -> tuple[str, ...]:
        return tuple(service.name for service in self.services)

    def waves(self) -> list[tuple[ServiceSpec, ...]]:
        """Services grouped so that each group depends only on earlier groups: a group starts in parallel."""
        started: set[str] = set()
        remaining = list(self.services)
        waves: list[tuple[ServiceSpec, ...]] = []
        while remaining:
            wave = tuple(s for s in remaining if set(s.depends_on) <= started)
            if not wave:
                cycle = ", ".join(s.name for s in remaining)
                raise ValueError(f"the world's dependencies form a cycle among: {cycle}")
            waves.append(wave)
            started.update(s.name for s in wave)
            remaining = [s for s in remaining if s.name not in started]
        return waves

    def only(self, *names: str) -> WorldSpec:
        """This world with only the services named (and the proxies in front of them): a part of it to run."""
        services = tuple(service for service in self.services if service.name in names)
        proxies = tuple(proxy for proxy in self.proxies if proxy.upstream in names)
        return replace(self, services=services, proxies=proxies)

    def adding(self, other: WorldSpec, *names: str) -> WorldSpec:
        """This world and the services ``names`` of ``other``, with the proxies in front of them and its secrets."""
        part = other.only(*names)
        secrets = tuple(dict.fromkeys((*self.secrets, *other.secrets)))
        return replace(
            self, services=(*self.services, *part.services), proxies=(*self.proxies, *part.proxies), secrets=secrets
        )

    def with_copies(self, copies: Mapping[str, str]) -> WorldSpec:
        """This world and, for each ``name: original``, one more instance of ``original`` called ``name``: its
        environment, dependencies and settings the same (a scenario's staging scheduler)."""
        added = tuple(replace(self.service(original), name=name, aliases=()) for name, original in copies.items())
        return replace(self, services=(*self.services, *added))

    def dependents(self, name: str) -> tuple[str, ...]:
        return tuple(s.name for s in self.services if name in s.depends_on)
