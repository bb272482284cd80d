"""What every part of a running drill reads the world through: its endpoints, secrets, settings, logs and clock.

References in a scenario (``{app.url}``, ``{secrets.admin_api_key}``, ``{settings.app.DB_POOL_SIZE}``,
``{world.seed}``, ``{saved.token}``) resolve against :meth:`DrillContext.values` at the moment a probe is read,
a fault goes in or a step is carried out (each rendered once, then acted on), so a service redeployed on the
way, or a value a step saved, is seen by everything after it.

The context also holds the secrets the drill has met so far (``masks``): the world's, each service's secret
settings, a value a step saves that is one, and what a fault puts in (:mod:`drills.faults` learns it).
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from drills.clock import Clock, TimeScale
from drills.reports.redaction import KnownSecrets, is_secret_name
from drills.world.protocol import World
from drills.world.settings import secret_values


@dataclass
class DrillContext:
    """One drill's view of its world; shared by probes, faults, monitors and responders (thread-safe)."""

    world: World
    clock: Clock
    scale: TimeScale
    epoch: float
    scenario_dir: Path
    wall_clock: Clock | None = None
    """What a read's latency is measured on: the world clock stands still while the harness reads; by default
    the drill's clock."""
    saved: dict[str, str] = field(default_factory=dict)
    masks: KnownSecrets = field(default_factory=KnownSecrets)
    """Every secret the drill has met so far, masked wherever the drill shows something (its live feed)."""
    log_offsets: dict[str, dict[str, int]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def stopwatch(self) -> Clock:
        """The clock a read times itself with: real seconds, even while the world clock is held."""
        return self.wall_clock or self.clock

    def values(self) -> dict[str, str]:
        """Every reference a scenario may use, by its full name, with its current value."""
        world = self.world
        values: dict[str, str] = {
            "world.epoch": f"{self.epoch:.3f}",
            "world.seed": str(world.options.seed),
            "world.time_scale": f"{self.scale.factor:g}",
        }
        for name, endpoint in world.endpoints.items():
            values.update(
                {f"{name}.host": endpoint.host, f"{name}.port": str(endpoint.port), f"{name}.url": endpoint.url}
            )
        values.update({f"secrets.{name}": secret for name, secret in world.secrets.items()})
        for service in world.spec.names():
            values.update({f"settings.{service}.{key}": value for key, value in world.settings(service).items()})
        with self._lock:
            values.update({f"saved.{name}": value for name, value in self.saved.items()})
        return values

    def save(self, name: str, value: str) -> None:
        """Keeps a value a step read for later steps; a secret (by its name, or because it is one of the world's
        secrets or settings) is masked from now on."""
        if is_secret_name(name) or value in self.world_secrets():
            self.masks.add(value)
        with self._lock:
            self.saved[name] = value

    def world_secrets(self) -> set[str]:
        """The world's secrets, and every secret among its services' settings as they are now."""
        world = self.world
        found = {secret for secret in world.secrets.values() if secret}
        for service in world.spec.services:
            found |= secret_values(service.settings, world.settings(service.name))
        return found

    def learn_settings(self, service: str, values: Mapping[str, str | None]) -> None:
        """Masks the secrets among settings about to be given to ``service`` (None: a setting it loses)."""
        spec = self.world.spec
        declared = spec.service(service).settings if service in spec.names() else ()
        self.masks.add(*secret_values(declared, {key: value for key, value in values.items() if value is not None}))

    def learn_world_secrets(self) -> None:
        """Masks the world's secrets as they are now: a redeploy may have changed one."""
        self.masks.add(*self.world_secrets())

    def mark_logs(self, moment: str) -> None:
        """Remembers how long every service's log is now, so a log probe can read only what came after."""
        offsets = {}
        for service in self.world.spec.names():
            path = self.world.log_path(service)
            offsets[service] = path.stat().st_size if path.exists() else 0
        with self._lock:
            self.log_offsets[moment] = offsets

    def log_since(self, service: str, moment: str) -> str:
        """A service's log from a marked moment ("start", "fault") on; the whole log if never marked."""
        with self._lock:
            offset = self.log_offsets.get(moment, {}).get(service, 0)
        path = self.world.log_path(service)
        if not path.exists():
            return ""
        with path.open("rb") as log:
            log.seek(offset)
            return log.read().decode(errors="replace")

    def wall_seconds(self, scenario_seconds: float) -> float:
        return self.scale.to_wall(scenario_seconds)

    def secrets(self) -> Mapping[str, str]:
        return self.world.secrets
