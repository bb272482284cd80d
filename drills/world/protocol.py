"""A running world as the engine sees it, whatever the runtime: endpoints, secrets, settings and actions."""

from __future__ import annotations

from collections.abc import Mapping
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Protocol

from drills.world.spec import WorldSpec
from drills.world_clock import WorldClock


@dataclass(frozen=True)
class Endpoint:
    """Where a service (or a proxy in front of it) answers."""

    host: str
    port: int
    url: str

    @property
    def address(self) -> str:
        return f"{self.host}:{self.port}"


CLOCK_FILE = "clock.json"
"""The file, in the world's folder, that its services read the world clock from (``DRILLBIT_CLOCK``)."""

ACTION_COSTS: Mapping[str, float] = MappingProxyType(
    {"start": 30.0, "stop": 0.0, "kill": 0.0, "pause": 0.0, "resume": 0.0, "restart": 60.0, "redeploy": 60.0}
)
"""Scenario seconds each action of the harness on a world costs, whatever the machine takes: the world clock
stands still while the action runs, then moves on by this much (docs/time.md)."""


@dataclass(frozen=True)
class WorldOptions:
    """What a drill asks of a world: its seed, time scale, size, per-service setting overrides, and the world
    clock its services follow (None: the world's time simply runs from its epoch)."""

    seed: int = 0
    time_scale: float = 1.0
    tenants: int = 20
    overrides: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    clock: WorldClock | None = field(default=None, compare=False)

    def held(self, action: str) -> AbstractContextManager[None]:
        """The world clock held still while the harness carries out ``action`` on the world, then charged its
        declared cost (``ACTION_COSTS``); nothing to hold for a world without a clock."""
        return nullcontext() if self.clock is None else self.clock.hold(ACTION_COSTS[action])


class World(Protocol):
    """A running world; every action is one a deploy tool or an operator could take."""

    @property
    def name(self) -> str: ...

    @property
    def spec(self) -> WorldSpec: ...

    @property
    def options(self) -> WorldOptions: ...

    @property
    def epoch(self) -> float:
        """The scenario time (Unix seconds) at which the world's clock starts: 09:07:30 UTC of the day it runs."""
        ...

    @property
    def directory(self) -> Path:
        """The world's own folder: its files, its logs, and the deploy tool's socket."""
        ...

    @property
    def endpoints(self) -> Mapping[str, Endpoint]: ...

    @property
    def proxies(self) -> Mapping[str, Endpoint]: ...

    @property
    def secrets(self) -> Mapping[str, str]: ...

    def settings(self, service: str) -> Mapping[str, str]: ...

    def redeploy(self, service: str, changes: Mapping[str, str | None]) -> None: ...

    def stop(self, service: str) -> None: ...

    def kill(self, service: str) -> None: ...

    def pause(self, service: str) -> None: ...

    def resume(self, service: str) -> None: ...

    def start(self, service: str) -> None: ...

    def restart(self, service: str) -> None: ...

    def healthy(self, service: str) -> bool: ...

    def log_path(self, service: str) -> Path: ...

    def teardown(self) -> None: ...


class Runtime(Protocol):
    """How a world is brought up: ``local`` (processes on loopback) or ``docker``."""

    name: str

    def up(self, spec: WorldSpec, options: WorldOptions) -> World: ...
