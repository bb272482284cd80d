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


HOME_VARIABLE: Final = "DRILLBIT_HOME"
RAM_FOLDER: Final = Path("/dev/shm")
RAM_ROOM_BYTES: Final = 1 << 30
"""The room a RAM-backed folder must have left to hold worlds (a world takes about 60 MB)."""


def default_home() -> Path:
    """Where worlds live when ``DRILLBIT_HOME`` says nothing: ``/dev/shm/drillbit`` when that is a RAM-backed folder
    (tmpfs) with 1 GiB of room, else ``<tmp>/drillbit``.

    A world's files are scratch, gone with the world, and Postgres alone makes a thousand of them: on a shared
    disk that costs a world more than half a second to make and again to remove, in memory a few hundredths. Once
    made, the RAM folder's ``drillbit`` stays the choice whatever its room, so that every tool keeps finding the
    worlds there while memory fills up.
    """
    in_memory = RAM_FOLDER / "drillbit"
    if in_memory.is_dir() or _roomy_tmpfs(RAM_FOLDER):
        return in_memory
    return Path(tempfile.gettempdir()) / "drillbit"


def _roomy_tmpfs(folder: Path) -> bool:
    try:
        mounts = Path("/proc/self/mounts").read_text().splitlines()
        room = os.statvfs(folder)
    except OSError:
        return False
    mounted = any(line.split()[1:3] == [str(folder), "tmpfs"] for line in mounts if len(line.split()) > 2)
    writable = os.access(folder, os.W_OK | os.X_OK)
    return mounted and writable and room.f_bavail * room.f_frsize >= RAM_ROOM_BYTES


def drillbit_home() -> Path:
    """``$DRILLBIT_HOME``, else :func:`default_home`: absolute, without symbolic links."""
    return Path(os.environ.get(HOME_VARIABLE) or default_home()).resolve()


def worlds_root() -> Path:
    """``<drillbit home>/worlds``, as an absolute path without symbolic links (a world's tag is its folder's path,
    so every tool must spell it alike); traversable by the servers' account."""
    base = drillbit_home()
    root = base / "worlds"
    root.mkdir(parents=True, exist_ok=True)
    for folder in (base, root):
        folder.chmod(0o755)
    return root


def install_cache() -> Path:
    """``$DRILLBIT_HOME/cache``, else ``<tmp>/drillbit/cache``: where the servers' binaries are copied when the
    servers' account cannot reach them. Never in the RAM folder, which may forbid running a program from it."""
    return Path(os.environ.get(HOME_VARIABLE) or Path(tempfile.gettempdir()) / "drillbit").resolve() / "cache"


def user_cache(part: str) -> Path | None:
    """``$XDG_CACHE_HOME/drillbit/<part>`` (by default ``~/.cache/drillbit/<part>``): what is worth keeping from one
    run to the next and can be made again; None when there is no absolute home to put it in."""
    given = os.environ.get("XDG_CACHE_HOME", "")
    base = Path(given) if os.path.isabs(given) else Path(os.path.expanduser("~")) / ".cache"
    return base / "drillbit" / part if base.is_absolute() else None


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
