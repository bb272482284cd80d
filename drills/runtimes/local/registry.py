"""Where local worlds keep their files, and finding (and removing) what a crash left behind.

A world's folder appears whole: it is made under a staging name that says who makes it, gets its ``world.json``
(who owns the world), then is renamed into place, all before the world's first process starts; it is removed with
its ``world.json`` last. So a folder without ``world.json`` is one whose removal was cut short. What is left of a
world is found by its folder and by the tag its processes carry (`tags`), so a process is found even when its
world's folder is already gone.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from drills.runtimes.local import tags
from drills.world.home import start_time, still_running, worlds_root

STATE_FILE = "world.json"
STAGING_SUFFIX = ".partial"


@dataclass(frozen=True)
class WorldRecord:
    """What a world wrote about itself: who owns it and which processes it recorded (pid: kernel start time)."""

    directory: Path
    owner_pid: int
    owner_started: str | None
    groups: dict[int, str]

    @property
    def orphaned(self) -> bool:
        return not still_running(self.owner_pid, self.owner_started)


@dataclass(frozen=True)
class Leftover:
    """A world to remove: its folder (which may be gone already, its processes not) and its record, if it has one."""

    directory: Path
    record: WorldRecord | None

    @property
    def name(self) -> str:
        return self.directory.name


def write_private(path: Path, text: str) -> None:
    """Writes a file readable by its owner only (mode 0600 from the start), then moves it in place whole."""
    partial = path.with_name(f".{path.name}.{os.getpid()}.{os.urandom(4).hex()}")
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w") as file:
        file.write(text)
    partial.replace(path)


def write_record(
    directory: Path, owner_pid: int, processes: Mapping[str, int], *, reaper: int | None, into: Path | None = None
) -> None:
    """The owner, its reaper and every recorded process of the world, each with its kernel start time (a process
    already gone is left out), in ``directory`` (or ``into``, the folder ``directory`` is made as)."""
    started = {pid: start_time(pid) for pid in processes.values()}
    record = {
        "owner_pid": owner_pid,
        "owner_started": start_time(owner_pid),
        "tag": str(directory),
        "reaper": reaper,
        "groups": {str(pid): when for pid, when in started.items() if when is not None},
        "services": dict(processes),
    }
    write_private((into or directory) / STATE_FILE, json.dumps(record, indent=2))


def read_record(directory: Path) -> WorldRecord | None:
    try:
        raw = json.loads((directory / STATE_FILE).read_text())
        groups = {int(pid): str(started) for pid, started in raw["groups"].items() if started is not None}
        return WorldRecord(directory, int(raw["owner_pid"]), raw.get("owner_started"), groups)
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def staging_path(directory: Path, owner_pid: int, owner_started: str | None) -> Path:
    """Where ``directory`` is made before it is renamed into place; the name says whose it is."""
    return directory.with_name(f".{directory.name}.{owner_pid}-{owner_started}{STAGING_SUFFIX}")


def _staging_owner(folder: Path) -> tuple[int, str] | None:
    owner = folder.name.removesuffix(STAGING_SUFFIX).rsplit(".", 1)[-1]
    pid, _, started = owner.partition("-")
    return (int(pid), started) if pid.isdigit() else None


def create_folder(directory: Path, owner_pid: int, *, group: int | None = None, reaper: int | None = None) -> None:
    """Makes the world's folder whole, with its record, readable by its owner only (and, with ``group``, traversable
    by that group: the account the servers run as). Fails if a folder of that name exists."""
    staging = staging_path(directory, owner_pid, start_time(owner_pid))
    staging.mkdir(mode=0o700)
    if group is not None:
        os.chown(staging, -1, group)
        staging.chmod(0o710)
    write_record(directory, owner_pid, {}, reaper=reaper, into=staging)
    if directory.exists():
        remove_folder(staging)
        raise FileExistsError(f"a world folder {directory} exists already")
    staging.rename(directory)


def remove_folder(directory: Path) -> None:
    """Removes a world's folder, its record last, so a folder without one is known to be on its way out."""
    with contextlib.suppress(FileNotFoundError, NotADirectoryError):
        for entry in directory.iterdir():
            if entry.name == STATE_FILE:
                continue
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry, ignore_errors=True)
            else:
                entry.unlink(missing_ok=True)
    (directory / STATE_FILE).unlink(missing_ok=True)
    shutil.rmtree(directory, ignore_errors=True)


def leftovers(everything: bool = False) -> list[Leftover]:
    """What crashed harnesses left under ``worlds_root()``: folders whose owner is gone (``everything``: every
    folder), folders cut short while being made or removed, and tagged processes whose world's folder is gone."""
    root = worlds_root()
    found: dict[Path, Leftover] = {}
    for folder in sorted(root.iterdir()):
        if not folder.is_dir():
            continue
        if folder.name.endswith(STAGING_SUFFIX):
            owner = _staging_owner(folder)
            if everything or owner is None or not still_running(*owner):
                found[folder] = Leftover(folder, None)
            continue
        record = read_record(folder)
        if record is None or everything or record.orphaned:
            found[folder] = Leftover(folder, record)
    for process in tags.census(lambda tag: Path(tag).parent == root):
        folder = Path(process.tag)
        if folder not in found and not folder.exists():
            found[folder] = Leftover(folder, None)
    return sorted(found.values(), key=lambda leftover: leftover.name)


def remove(leftover: Leftover) -> int:
    """Stops every process of the world (by its tag, and those its record names if they still are themselves),
    then removes its folder; how many processes it stopped."""
    recorded = leftover.record.groups if leftover.record is not None else {}
    tag = str(leftover.directory)
    stopped = tags.reap(lambda found: found == tag, recorded)
    remove_folder(leftover.directory)
    return stopped
