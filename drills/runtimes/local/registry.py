"""Where local worlds keep their files, and finding (and removing) the ones a crash left behind."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
from dataclasses import dataclass
from pathlib import Path

from drills.runtimes.local.processes import wait_until_gone
from drills.world.home import start_time, still_running, worlds_root

STATE_FILE = "world.json"


@dataclass(frozen=True)
class WorldRecord:
    """What a world wrote about itself: who owns it and which process groups are its own."""

    directory: Path
    owner_pid: int
    owner_started: str | None
    groups: dict[int, str | None]

    @property
    def orphaned(self) -> bool:
        return not still_running(self.owner_pid, self.owner_started)


def write_record(directory: Path, owner_pid: int, groups: dict[str, int]) -> None:
    record = {
        "owner_pid": owner_pid,
        "owner_started": start_time(owner_pid),
        "groups": {str(pid): start_time(pid) for pid in groups.values()},
        "services": groups,
    }
    temporary = directory / f"{STATE_FILE}.{os.getpid()}.tmp"
    temporary.write_text(json.dumps(record, indent=2))
    temporary.replace(directory / STATE_FILE)


def read_record(directory: Path) -> WorldRecord | None:
    try:
        raw = json.loads((directory / STATE_FILE).read_text())
        groups = {int(pid): started for pid, started in raw["groups"].items()}
        return WorldRecord(directory, int(raw["owner_pid"]), raw.get("owner_started"), groups)
    except (OSError, ValueError, KeyError, TypeError):
        return None


def all_worlds() -> list[WorldRecord | Path]:
    """Every world directory: its record, or the bare path when it has none."""
    found: list[WorldRecord | Path] = []
    for directory in sorted(worlds_root().iterdir()):
        if directory.is_dir():
            found.append(read_record(directory) or directory)
    return found


def remove(record: WorldRecord) -> list[int]:
    """Stops every process group still running that is really the world's, then deletes its files."""
    ours = [pid for pid, started in record.groups.items() if started is None or start_time(pid) == started]
    for pid in ours:
        _killpg(pid, signal.SIGTERM)
    for pid in wait_until_gone(ours, timeout=1.5):
        _killpg(pid, signal.SIGKILL)
    shutil.rmtree(record.directory, ignore_errors=True)
    return [pid for pid in ours if start_time(pid) is not None]


def _killpg(pid: int, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signum)
