"""The declarative description of a world: its services, how each is started and checked, and its proxies.

Nothing here assumes processes: every service is reached by host:port, and a value that depends on another
service is a reference (``{proxies.postgres.url}``) resolved by the runtime once that service is up. The local
runtime turns a spec into processes; the docker runtime turns the same spec into containers.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from drills.world.settings import SettingSpec


class ServiceKind(StrEnum):
    """How a service is run: the two real servers, or one of our own Python programs."""

    POSTGRES = "postgres"
    REDIS = "redis"
    PYTHON = "python"


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


@dataclass(frozen=True)
class WorldSpec:
    """The services of a world, its proxies, and which service is the proxy server."""

    services: tuple[ServiceSpec, ...]
    proxies: tuple[ProxySpec, ...] = ()
    proxy_server: str = "toxiproxy"

    def service(self, name: str) -> ServiceSpec:
        for service in self.services:
            if service.name == name:
                return service
        raise KeyError(name)

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

    def dependents(self, name: str) -> tuple[str, ...]:
        return tuple(s.name for s in self.services if name in s.depends_on)
