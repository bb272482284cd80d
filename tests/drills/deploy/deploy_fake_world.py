"""A world in memory for the deploy tool's fast tests: the reference world's services, settings kept in dicts,
every redeploy and restart recorded, no process started."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from drills.errors import DrillbitError
from drills.world.protocol import Endpoint, WorldOptions
from drills.world.spec import WorldSpec
from drills.world.worlds import world_spec

SCHEDULER_SECRET = "scheduler-0123abcd"
POSTGRES_PASSWORD = "postgres-4567cdef"
ADMIN_API_KEY = "admin-89abef01"
SECRETS = {
    "scheduler_secret": SCHEDULER_SECRET,
    "postgres_password": POSTGRES_PASSWORD,
    "admin_api_key": ADMIN_API_KEY,
}
DATABASE_URL = f"postgresql://postgres:{POSTGRES_PASSWORD}@127.0.0.1:5432/drillbit"


def _settings() -> dict[str, dict[str, str]]:
    return {
        "app": {
            "ADMIN_API_KEY": ADMIN_API_KEY,
            "DATABASE_URL": DATABASE_URL,
            "DB_POOL_SIZE": "3",
            "SCHEDULER_SECRET": SCHEDULER_SECRET,
        },
        "scheduler": {"APP_URL": "http://127.0.0.1:8000", "SCHEDULER_SECRET": "stale-secret"},
    }


@dataclass
class FakeWorld:
    """The reference world's shape; `fail_with` makes every redeploy or restart raise it, `failures` the next ones
    raise theirs, one each."""

    logs: Path = Path("/nonexistent")
    name: str = "world-fake"
    spec: WorldSpec = field(default_factory=world_spec)
    options: WorldOptions = field(default_factory=WorldOptions)
    epoch: float = 0.0
    configured: dict[str, dict[str, str]] = field(default_factory=_settings)
    redeploys: list[tuple[str, dict[str, str | None]]] = field(default_factory=list)
    restarts: list[str] = field(default_factory=list)
    fail_with: DrillbitError | None = None
    failures: list[DrillbitError] = field(default_factory=list)

    @property
    def endpoints(self) -> Mapping[str, Endpoint]:
        return {
            "postgres": Endpoint("127.0.0.1", 5432, DATABASE_URL),
            "app": Endpoint("127.0.0.1", 8000, "http://127.0.0.1:8000"),
        }

    @property
    def proxies(self) -> Mapping[str, Endpoint]:
        return {"postgres": Endpoint("127.0.0.1", 6432, f"postgresql://postgres:{POSTGRES_PASSWORD}@127.0.0.1:6432")}

    @property
    def secrets(self) -> Mapping[str, str]:
        return SECRETS

    def settings(self, service: str) -> Mapping[str, str]:
        return dict(self.configured.get(service, {}))

    def redeploy(self, service: str, changes: Mapping[str, str | None]) -> None:
        self.redeploys.append((service, dict(changes)))
        settings = self.configured.setdefault(service, {})
        for key, value in changes.items():
            if value is None:
                settings.pop(key, None)
            else:
                settings[key] = value
        self._fail()

    def restart(self, service: str) -> None:
        self.restarts.append(service)
        self._fail()

    def _fail(self) -> None:
        if self.failures:
            raise self.failures.pop(0)
        if self.fail_with is not None:
            raise self.fail_with

    def healthy(self, service: str) -> bool:
        return service != "scheduler"

    def log_path(self, service: str) -> Path:
        return self.logs / f"{service}.log"

    def stop(self, service: str) -> None: ...

    def kill(self, service: str) -> None: ...

    def pause(self, service: str) -> None: ...

    def resume(self, service: str) -> None: ...

    def start(self, service: str) -> None: ...

    def teardown(self) -> None: ...
