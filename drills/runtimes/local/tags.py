"""Finding a world's processes by the tag they carry, and stopping them without ever touching another process.

Every process a world's harness starts carries ``DRILLBIT_WORLD_DIR=<the world's folder>`` in its environment
(`drills.world.home.TAG_VARIABLE`) from its first instruction on, so it is found even if its harness died before
recording it. Some servers write their process title over their environment (Postgres' backends do), so the
descendants of a tagged process are the world's too. A process is known by its pid *and* its kernel start time,
checked again just before each signal, which goes through a pidfd where the kernel has them: a pid the kernel gave
to another process since is never signalled. Standard library only, so the reaper starts in milliseconds.
"""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from drills.world.home import TAG_VARIABLE

GRACE_SECONDS = 1.5
"""How long a process has to end on SIGTERM before it gets SIGKILL."""
SETTLE_SECONDS = 0.5
"""How long no tagged process may be seen before a world counts as stopped: a process its harness forked just
before dying shows its tag only once it has called exec, a few milliseconds later."""
LIMIT_SECONDS = 15.0
"""Rounds of finding and stopping end after this long even if tagged processes keep appearing."""

_TAG_PREFIX = TAG_VARIABLE.encode() + b"="


@dataclass(frozen=True)
class Found:
    """A process of a world: its pid, its kernel start time, and the world folder its tag (or its ancestor's) names."""

    pid: int
    started: str
    tag: str


@dataclass(frozen=True)
class _Entry:
    parent: int
    started: str
    zombie: bool


def _entry(pid: int) -> _Entry | None:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return _Entry(int(fields[1]), fields[19], fields[0] == "Z")


def _table() -> dict[int, _Entry]:
    table = {}
    for name in os.listdir("/proc"):
        if name.isdigit() and (entry := _entry(int(name))) is not None:
            table[int(name)] = entry
    return table


def tag_of(pid: int) -> str | None:
    """The world folder a process's environment names, or None (untagged, gone, or not ours to read)."""
    try:
        environ = Path(f"/proc/{pid}/environ").read_bytes()
    except OSError:
        return None
    for variable in environ.split(b"\0"):
        if variable.startswith(_TAG_PREFIX):
            return variable[len(_TAG_PREFIX) :].decode(errors="replace")
    return None


def started_at(pid: int) -> str | None:
    """The kernel's start time of a live process (a zombie has ended); None when there is none."""
    entry = _entry(pid)
    return None if entry is None or entry.zombie else entry.started


def _ancestry(table: Mapping[int, _Entry]) -> set[int]:
    """This process and its ancestors: never to be signalled, whatever tag they inherited."""
    found, pid = set(), os.getpid()
    while pid in table and pid not in found:
        found.add(pid)
        pid = table[pid].parent
    return found


def census(wanted: Callable[[str], bool], recorded: Mapping[int, str] | None = None) -> list[Found]:
    """Every live process whose tag ``wanted`` accepts, every recorded ``{pid: start time}`` still running as
    itself (tagged with ``""``), and every descendant of those; never this process or one of its ancestors."""
    table = _table()
    roots: dict[int, Found] = {}
    for pid, entry in table.items():
        tag = None if entry.zombie else tag_of(pid)
        # The start time is read again after the environment: the pid may have been reused in between.
        if tag is not None and wanted(tag) and started_at(pid) == entry.started:
            roots[pid] = Found(pid, entry.started, tag)
    for pid, started in (recorded or {}).items():
        if pid not in roots and pid in table and not table[pid].zombie and table[pid].started == started:
            roots[pid] = Found(pid, started, "")
    return sorted(_with_descendants(roots, table).values(), key=lambda found: found.pid)


def _with_descendants(roots: dict[int, Found], table: Mapping[int, _Entry]) -> dict[int, Found]:
    children: dict[int, list[int]] = {}
    for pid, entry in table.items():
        children.setdefault(entry.parent, []).append(pid)
    found, pending = dict(roots), list(roots)
    while pending:
        parent = found[pending.pop()]
        for child in children.get(parent.pid, []):
            if child not in found and not table[child].zombie:
                found[child] = Found(child, table[child].started, parent.tag)
                pending.append(child)
    spared = _ancestry(table)
    return {pid: process for pid, process in found.items() if pid not in spared}


def send(process: Found, signum: int) -> bool:
    """Signals the process if it still is the one found; whether the signal was sent."""
    try:
        handle: int | None = os.pidfd_open(process.pid)
    except ProcessLookupError:
        return False
    except OSError:  # a kernel without pidfds: the start time is checked just before the signal instead
        handle = None
    try:
        # Checked after the pidfd is open: if the pid was reused before, the new process has another start time.
        if started_at(process.pid) != process.started:
            return False
        if handle is None:
            os.kill(process.pid, signum)
        else:
            signal.pidfd_send_signal(handle, signum)
        return True
    except (ProcessLookupError, PermissionError):
        return False
    finally:
        if handle is not None:
            os.close(handle)


def running(process: Found) -> bool:
    return started_at(process.pid) == process.started


def stop(processes: Iterable[Found], grace: float = GRACE_SECONDS) -> int:
    """SIGTERM (and SIGCONT, for a paused one), SIGKILL after ``grace``; how many were still running to be stopped."""
    signalled = [process for process in processes if send(process, signal.SIGTERM)]
    for process in signalled:
        send(process, signal.SIGCONT)
    deadline = time.monotonic() + grace
    while any(running(process) for process in signalled) and time.monotonic() < deadline:
        time.sleep(0.05)
    for process in signalled:
        send(process, signal.SIGKILL)
    return len(signalled)


def reap(
    wanted: Callable[[str], bool],
    recorded: Mapping[int, str] | None = None,
    *,
    settle: float = SETTLE_SECONDS,
    limit: float = LIMIT_SECONDS,
) -> int:
    """Finds and stops the world's processes round after round, until none has been seen for ``settle`` seconds
    (or ``limit`` has passed); how many it stopped."""
    stopped = 0
    deadline = time.monotonic() + limit
    quiet_since = time.monotonic()
    while time.monotonic() < deadline:
        found = census(wanted, recorded)
        if found:
            stopped += stop(found)
            quiet_since = time.monotonic()
        elif time.monotonic() - quiet_since >= settle:
            break
        else:
            time.sleep(0.05)
    return stopped
