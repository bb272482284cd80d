"""How other processes find a running world's deploy tool: the ``session.json`` in the world's folder.

The file holds the world's connection variables (passwords among them), so only its owner may read it.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from drills.errors import InputError, UnknownNameError
from drills.world.home import still_running, worlds_root

SESSION_FILE: Final = "session.json"
SOCKET_FILE: Final = "deploy.sock"
WORLD_VARIABLE: Final = "DRILLBIT_WORLD"
START_ONE: Final = "start one with `drillbit play ID` or `drillbit up`"


@dataclass(frozen=True)
class Session:
    """A world whose harness serves the deploy tool: where its socket is, and how to reach the world."""

    world: str
    socket: Path
    directory: Path
    owner_pid: int
    owner_started: str | None
    env: dict[str, str]

    @property
    def alive(self) -> bool:
        """Whether the harness that wrote the file still runs (a reused pid has another start time)."""
        return still_running(self.owner_pid, self.owner_started)


def write_session(session: Session) -> Path:
    """Writes the file with mode 0600 from the start, then moves it in place, so no one reads half of it."""
    path = session.directory / SESSION_FILE
    partial = path.with_name(f".{SESSION_FILE}.{os.getpid()}")
    partial.unlink(missing_ok=True)
    record = {
        "world": session.world,
        "socket": str(session.socket),
        "directory": str(session.directory),
        "owner_pid": session.owner_pid,
        "owner_started": session.owner_started,
        "env": session.env,
    }
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w") as file:
        json.dump(record, file, indent=2)
    partial.replace(path)
    return path


def read_session(path: Path) -> Session | None:
    """The session a file describes, or None when it is unreadable or malformed."""
    try:
        raw = json.loads(path.read_text())
        return Session(
            world=str(raw["world"]),
            socket=Path(raw["socket"]),
            directory=Path(raw["directory"]),
            owner_pid=int(raw["owner_pid"]),
            owner_started=raw["owner_started"],
            env={str(key): str(value) for key, value in raw["env"].items()},
        )
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def running_sessions() -> list[Session]:
    """Every session under ``worlds_root()`` whose harness still runs, by world name."""
    found = (read_session(path) for path in worlds_root().glob(f"*/{SESSION_FILE}"))
    return sorted((session for session in found if session is not None and session.alive), key=_name)


def choose_session(name: str | None = None, environ: Mapping[str, str] = os.environ) -> Session:
    """The world asked for (``--world``, else ``$DRILLBIT_WORLD``), else the only one running."""
    running = running_sessions()
    wanted = name or environ.get(WORLD_VARIABLE) or None
    names = ", ".join(session.world for session in running)
    if wanted is not None:
        for session in running:
            if session.world == wanted:
                return session
        hint = f"the running worlds are: {names}" if running else START_ONE
        raise UnknownNameError(f"no running world named {wanted!r}", hint=hint)
    if not running:
        raise UnknownNameError("no running world", hint=START_ONE)
    if len(running) > 1:
        raise InputError(
            f"{len(running)} worlds are running: {names}",
            hint=f"pick one with --world NAME (or {WORLD_VARIABLE}=NAME)",
        )
    return running[0]


def _name(session: Session) -> str:
    return session.world
