"""The worlds drillbit ships: the products of its own world file, ``docker-compose.yml`` at the project's top.

An installed drillbit carries the same file (``drills/world/docker-compose.yml`` is a link to it in the source tree,
and a copy in a wheel). ``--world-file PATH`` names a team's own file instead.
"""

from __future__ import annotations

import functools
from importlib.resources import as_file, files
from pathlib import Path
from typing import Final

from drills.world.spec import WorldSpec
from drills.world.world_file import read_world_file
from drills.world.world_services import WorldFile, load_world

DEFAULT_PRODUCT: Final = "scheduled-reports"
"""The world of a command that names none: the product the first scenarios were written for."""


def shipped_world_file() -> Path:
    """drillbit's own world file."""
    with as_file(files("drills.world").joinpath("docker-compose.yml")) as path:
        return Path(path).resolve()


@functools.cache
def _read(path: Path, changed: float) -> WorldFile:
    return read_world_file(path)


def world_file(path: Path | None = None) -> WorldFile:
    """The world file at ``path`` (drillbit's own by default), read once while it does not change."""
    found = (path or shipped_world_file()).resolve()
    try:
        changed = found.stat().st_mtime
    except OSError:
        changed = 0.0  # reading it says what is wrong
    return _read(found, changed)


def world_spec(product: str = DEFAULT_PRODUCT, path: Path | None = None) -> WorldSpec:
    """The world of ``product`` in the world file at ``path`` (drillbit's own by default)."""
    return load_world(world_file(path), product)
