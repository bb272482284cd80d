"""The environment a shell gets in a drill: the world's addresses and credentials, and its tools on PATH.

Command probes, the automated responder's shell steps and ``drillbit shell`` all use it, so a runbook's
``psql "$DATABASE_URL"`` means the same thing wherever it runs.
"""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Mapping
from typing import TYPE_CHECKING, Final

from drills.errors import MissingBinaryError
from drills.world.binaries import companion, find_postgres, find_redis
from drills.world.home import TAG_VARIABLE
from drills.world.protocol import World

if TYPE_CHECKING:
    from drills.world.context import DrillContext

INHERITED: Final = ("HOME", "USER", "LOGNAME", "LANG", "LANGUAGE", "TERM", "TMPDIR", "TZ", "SHELL", "DRILLBIT_HOME")
"""Variables taken from the harness's own environment; anything else there (a PGHOST, a cloud credential)
could point a runbook's tools at a real system instead of the world."""


def connection_env(world: World) -> dict[str, str]:
    """The variables a person (or a runbook's shell block) uses to reach the world."""
    endpoints = world.endpoints
    env: dict[str, str] = {}
    if "postgres" in endpoints:
        postgres = endpoints["postgres"]
        env.update(
            DATABASE_URL=postgres.url,
            PGHOST=postgres.host,
            PGPORT=str(postgres.port),
            PGUSER="postgres",
            PGDATABASE="drillbit",
            PGPASSWORD=world.secrets["postgres_password"],
        )
    if "redis" in endpoints:
        env["REDIS_URL"] = endpoints["redis"].url
    if "admin_api_key" in world.secrets:
        env["ADMIN_API_KEY"] = world.secrets["admin_api_key"]
    for name, endpoint in endpoints.items():
        if name not in ("postgres", "redis"):
            env[f"{name.upper()}_URL"] = endpoint.url
    return env


def world_shell_env(context: DrillContext) -> dict[str, str]:
    """The variables to run a command with in a drill (see `shell_env`), so that `drillbit world` finds its world,
    and the world's tag: a command the harness runs is the world's, and goes with it if the harness dies."""
    world = context.world
    return shell_env(connection_env(world)) | {"DRILLBIT_WORLD": world.name, TAG_VARIABLE: str(world.directory)}


def shell_env(connection: Mapping[str, str]) -> dict[str, str]:
    """A few of the harness's own variables, PATH with the world's tools first, then the world's connection."""
    env = {name: value for name, value in os.environ.items() if name in INHERITED or name.startswith("LC_")}
    env["PATH"] = os.pathsep.join([*tool_directories(), os.environ.get("PATH", os.defpath)])
    env.update(connection)
    return env


@functools.cache
def tool_directories() -> tuple[str, ...]:
    """Where psql and redis-cli are (the ones matching the world's servers), then this Python's scripts."""
    directories: list[str] = []
    for find, tool in ((find_postgres, "psql"), (find_redis, "redis-cli")):
        try:
            found = companion(find(), tool)
        except MissingBinaryError:
            found = None
        if found is not None and str(found.parent) not in directories:
            directories.append(str(found.parent))
    directories.append(os.path.dirname(sys.executable))
    return tuple(directories)
