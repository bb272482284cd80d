"""Service drivers: everything the local runtime knows about one kind of service, one module per kind.

A driver module registers its driver as it is imported (``register(ServiceKind.REDIS, RedisDriver())``) and the
world asks ``driver_for(service.kind)``, never the kind itself. A new kind is its member of ``ServiceKind`` (the
world spec names it for every runtime), one module here, and that module's name in the import at the bottom of
this one; ``world.py`` and ``launch.py`` need no change.
"""

from __future__ import annotations

import signal
from collections.abc import Mapping
from pathlib import Path
from typing import ClassVar, Protocol

from drills.errors import WorldError
from drills.runtimes.local.launch import Launch, RunToEnd, Servers
from drills.world.protocol import Endpoint
from drills.world.spec import ServiceKind, ServiceSpec

__all__ = ["DRIVERS", "ServiceDriver", "driver_for", "register"]


class ServiceDriver(Protocol):
    """How the local runtime runs one kind of service; a driver subclasses it to keep the defaults it shares."""

    stop_signal: ClassVar[signal.Signals] = signal.SIGTERM
    """The signal that stops the service cleanly (and fast)."""

    def url(self, host: str, port: int, secrets: Mapping[str, str]) -> str:
        """The URL at host:port (the service's own or a proxy's), in the service's scheme, with its credentials."""
        ...

    def settings(self, configured: Mapping[str, str], secrets: Mapping[str, str]) -> dict[str, str]:
        """The settings the service first starts with, given those its spec and the world's options configure."""
        return dict(configured)

    def prepare(
        self, service: ServiceSpec, work: Path, servers: Servers, secrets: Mapping[str, str], run: RunToEnd
    ) -> None:
        """What the service's first start needs beforehand, done to the end. Every command it takes goes through
        ``run``, which makes it a process of the world: tagged and known to the reaper, so it cannot outlive a
        harness that dies while it runs.

        Most kinds need nothing.
        """
        return None

    def launch(
        self, service: ServiceSpec, port: int, settings: Mapping[str, str], servers: Servers, work: Path
    ) -> Launch:
        """The command, environment and account that start the service once on loopback at ``port``."""
        ...

    def warm(self, service: ServiceSpec) -> Launch | None:
        """A process to start with the world, ahead of the service's turn, that gets ready to run it and then waits
        for its launch order on its standard input. None (most kinds): the service starts cold at its turn."""
        return None

    def order(self, service: ServiceSpec, launch: Launch, warm: Launch) -> bytes | None:
        """The order that makes a process started as ``warm`` run ``launch``; None when it cannot (a setting the
        interpreter reads as it starts differs, say): that process is then stopped and the service starts cold."""
        return None

    def ready(self, service: ServiceSpec, address: Endpoint, secrets: Mapping[str, str]) -> bool:
        """One readiness check: never raises, never waits more than about a second."""
        ...


DRIVERS: dict[ServiceKind, ServiceDriver] = {}


def register(kind: ServiceKind, driver: ServiceDriver) -> None:
    """Makes ``driver`` the one that runs services of ``kind``; its module calls this once, as it is imported."""
    if kind in DRIVERS:
        raise ValueError(f"service kind '{kind}' already has a driver: {DRIVERS[kind]!r}")
    DRIVERS[kind] = driver


def driver_for(kind: ServiceKind) -> ServiceDriver:
    try:
        return DRIVERS[kind]
    except KeyError:
        known = ", ".join(sorted(DRIVERS))
        raise WorldError(
            f"the local runtime has no driver for service kind '{kind}'",
            hint=f"it runs {known}; a new kind needs a driver module in drills/runtimes/local/drivers/",
        ) from None


# The built-in kinds, each registering itself; they import this module's names above, so they come last.
from drills.runtimes.local.drivers import postgres, python, redis  # noqa: E402, F401
