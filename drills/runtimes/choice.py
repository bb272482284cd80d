"""Which runtime a command drills on: ``--runtime``, else ``$DRILLBIT_RUNTIME``, else the local runtime."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Final

from drills.errors import InputError, did_you_mean

if TYPE_CHECKING:
    from drills.world.protocol import Runtime

RUNTIMES: Final = ("local", "docker")
RUNTIME_VARIABLE: Final = "DRILLBIT_RUNTIME"


def runtime_name(name: str | None = None) -> str:
    """The runtime asked for, checked: ``name``, else ``$DRILLBIT_RUNTIME``, else ``local``."""
    chosen = name or os.environ.get(RUNTIME_VARIABLE) or "local"
    if chosen not in RUNTIMES:
        where = "--runtime" if name else f"${RUNTIME_VARIABLE}"
        close = did_you_mean(chosen, RUNTIMES)
        raise InputError(
            f"{where}: no runtime {chosen!r}{'; ' + close if close else ''}", hint="runtimes: local, docker"
        )
    return chosen


def runtime_named(name: str | None = None) -> Runtime:
    """The runtime asked for (see :func:`runtime_name`), its heavy imports made only when it is the one."""
    if runtime_name(name) == "docker":
        from drills.runtimes.docker.runtime import DockerRuntime

        return DockerRuntime()
    from drills.runtimes.local.runtime import LocalRuntime

    return LocalRuntime()
