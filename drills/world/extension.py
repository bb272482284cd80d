"""What a world file says beyond Compose: its ``x-drillbit`` extension, at the top and on each service.

At the top: the worlds (one per Compose profile) with their description and severity policy, and which world
variables are secrets. On a service: how the local runtime runs it, its name in its world, its readiness, the
settings it reads, the proxies of the proxy server, and the extra databases of a Postgres. Every field is
checked: a misspelled one is an error that names the fields there are (docs/world-file.md).
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from drills.world.settings import SettingSpec

Name = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9-]*$")]
VariableName = Annotated[str, StringConstraints(pattern=r"^[A-Z][A-Z0-9_]*$")]
DatabaseName = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$")]
Address = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9._-]+:[0-9]+$")]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class WorldEntry(Strict):
    """One world of the file: a Compose profile of that name holds its services."""

    description: str = ""
    policy: str | None = None
    """A severity policy file, relative to the world file's folder; none: drillbit's own."""


class FileExtension(Strict):
    """The top-level ``x-drillbit``."""

    version: Literal[1]
    worlds: dict[Name, WorldEntry] = Field(min_length=1)
    secrets: list[VariableName] = Field(default_factory=list)


class PythonRun(Strict):
    """A Python program of the project's: ``python -m module --host H --port P``."""

    module: Annotated[str, StringConstraints(pattern=r"^[A-Za-z_][A-Za-z0-9_.]*$")]


class ProxyEntry(Strict):
    """A proxy of the proxy server: the port it listens on, on the world's network, and the address it forwards to."""

    listen: int = Field(ge=1, le=65535)
    upstream: Address


class ServiceExtension(Strict):
    """A service's ``x-drillbit``."""

    run: Literal["postgres", "redis"] | PythonRun | None = None
    """How the local runtime runs it; none: the service runs only as a container (the docker runtime)."""
    name: Name | None = None
    health: str | None = None
    """The path that answers 200 once a Python service is ready."""
    description: str = ""
    settings: dict[VariableName, SettingSpec] = Field(default_factory=dict)
    """Each written as ``NAME: {type, description, min, ...}``: the fields of :class:`SettingSpec` but its name."""
    proxies: dict[Name, ProxyEntry] = Field(default_factory=dict)
    databases: list[DatabaseName] = Field(default_factory=list)
    """Databases its Postgres holds besides the world's own (a scratch copy, a restore target)."""

    @field_validator("settings", mode="before")
    @classmethod
    def _named(cls, written: object) -> object:
        """Each setting's name is its key."""
        if not isinstance(written, dict):
            return written
        return {key: {"name": key, **fields} if isinstance(fields, dict) else fields for key, fields in written.items()}
