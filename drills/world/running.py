"""What every runtime's running world holds alike: its spec, options, folder, epoch, secrets, the addresses of its
services and proxies, each service's settings, and where each service's log is."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from drills.world.protocol import Endpoint, WorldOptions
from drills.world.spec import WorldSpec


class RunningWorld:
    """The state a runtime's world keeps; the runtime's own class adds how its services run."""

    def __init__(
        self, spec: WorldSpec, options: WorldOptions, directory: Path, epoch: float, secrets: Mapping[str, str]
    ) -> None:
        self._spec = spec
        self._options = options
        self.directory = directory
        self.epoch = epoch
        self._secrets = dict(secrets)
        self._endpoints: dict[str, Endpoint] = {}
        self._proxies: dict[str, Endpoint] = {}
        self._settings: dict[str, dict[str, str]] = {}

    @property
    def name(self) -> str:
        return self.directory.name

    @property
    def spec(self) -> WorldSpec:
        return self._spec

    @property
    def options(self) -> WorldOptions:
        return self._options

    @property
    def endpoints(self) -> Mapping[str, Endpoint]:
        return dict(self._endpoints)

    @property
    def proxies(self) -> Mapping[str, Endpoint]:
        return dict(self._proxies)

    @property
    def secrets(self) -> Mapping[str, str]:
        return dict(self._secrets)

    def settings(self, service: str) -> Mapping[str, str]:
        return dict(self._settings.get(service, {}))

    def log_path(self, service: str) -> Path:
        return self.directory / "logs" / f"{service}.log"
