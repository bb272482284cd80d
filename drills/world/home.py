"""Where worlds keep their files (under ``DRILLBIT_HOME``), and whether the process that wrote one still runs.

Any runtime and any tool that finds a world by its folder (the deploy tool, ``drillbit down``) share these, so
none of them needs to know how another runtime starts its processes.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def worlds_root() -> Path:
    """``$DRILLBIT_HOME/worlds``, or ``<tmp>/drillbit/worlds``; readable by the servers' account."""
    base = Path(os.environ.get("DRILLBIT_HOME") or Path(tempfile.gettempdir()) / "drillbit")
    root = base / "worlds"
    root.mkdir(parents=True, exist_ok=True)
    for folder in (base, root):
        folder.chmod(0o755)
    return root


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
