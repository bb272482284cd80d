"""Where worlds keep their files (under ``DRILLBIT_HOME``), and whether the process that wrote one still runs.

Any runtime and any tool that finds a world by its folder (the deploy tool, ``drillbit down``) share these, so
none of them needs to know how another runtime starts its processes.
"""

from __future__ import annotations

import os
import secrets
import tempfile
from pathlib import Path
from typing import Final

TAG_VARIABLE: Final = "DRILLBIT_WORLD_DIR"
"""The world tag: every process a world's harness starts carries its world's folder in this variable, so the
reaper and ``drillbit down`` find each one by it, even one started a moment before its harness died. Not
``DRILLBIT_WORLD``, which ``drillbit shell`` sets for the user's own shell: that must never be reaped."""


def worlds_root() -> Path:
    """``$DRILLBIT_HOME/worlds``, or ``<tmp>/drillbit/worlds``, as an absolute path without symbolic links (a
    world's tag is its folder's path, so every tool must spell it alike); traversable by the servers' account."""
    base = Path(os.environ.get("DRILLBIT_HOME") or Path(tempfile.gettempdir()) / "drillbit").resolve()
    root = base / "worlds"
    root.mkdir(parents=True, exist_ok=True)
    for folder in (base, root):
        folder.chmod(0o755)
    return root


def new_world_folder() -> Path:
    """A world's folder under ``worlds_root()`` that does not exist yet, under a fresh name (whatever its runtime)."""
    while (directory := worlds_root() / f"world-{secrets.token_hex(4)}").exists():
        pass
    return directory


def start_time(pid: int) -> str | None:
    """The kernel's start time of a process, so a reused pid is never mistaken for ours."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return stat.rsplit(")", 1)[1].split()[19]


def pid_alive(pid: int) -> bool:
    """Whether a process with this pid exists (one we may not signal counts)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def still_running(pid: int, started: str | None) -> bool:
    """Whether the process recorded as ``pid`` with start time ``started`` runs yet (not another with its pid)."""
    return pid_alive(pid) and start_time(pid) == started
