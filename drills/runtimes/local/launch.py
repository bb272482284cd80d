"""What starting one service takes: the machine's server binaries, the launch itself, the inherited environment."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from drills.runtimes.local.processes import RunAs
from drills.world.binaries import Binary

# What a service inherits from the harness's environment; everything else comes from the spec.
INHERITED = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "PYTHONPATH", "VIRTUAL_ENV")


@dataclass(frozen=True)
class Servers:
    """The server binaries this machine has, and the account they run as."""

    postgres_bin: Path
    redis: Binary
    account: RunAs | None


@dataclass(frozen=True)
class Launch:
    """Everything needed to start one service once."""

    argv: list[str]
    env: dict[str, str]
    run_as: RunAs | None = None
    stdin: bytes | None = None
    """What the command reads on its standard input (a command run to its end only); None: nothing."""


@dataclass(frozen=True)
class Finished:
    """How a command run to its end finished: its exit code (negative: the signal that ended it) and its output."""

    returncode: int
    output: str


RunToEnd = Callable[[Launch], Finished]
"""Runs a command as a process of the world (tagged, watched by the reaper, its output in the service's log) and
waits for its end; what a driver's ``prepare`` runs its commands with."""


def base_env() -> dict[str, str]:
    env = {name: os.environ[name] for name in INHERITED if name in os.environ}
    env["PYTHONUNBUFFERED"] = "1"
    return env
