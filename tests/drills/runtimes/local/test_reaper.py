"""A harness killed at the worst moment leaves nothing: the reaper stops every process of its world and removes its
folder, however little the harness had done."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from drills.world.home import start_time

pytestmark = pytest.mark.world

ROOT = Path(__file__).parents[4]
WAIT_SECONDS = 30.0

# A harness bringing up Postgres and Redis; PATCH is run first, to pick the moment it dies.
HARNESS = """
import os, signal, sys
from drills.runtimes.local.runtime import LocalRuntime
from drills.world.protocol import WorldOptions
from drills.world.worlds import world_spec
from drills.world.spec import WorldSpec
{patch}
services = tuple(s for s in world_spec().services if s.name in ("postgres", "redis"))
LocalRuntime().up(WorldSpec(services=services), WorldOptions())
"""

# It dies the moment its first service process exists, before it could do anything about it.
DIE_AT_FIRST_SPAWN = """
from drills.runtimes.local.processes import ServiceProcess
spawn = ServiceProcess.spawn.__func__
def spawn_then_die(cls, *arguments, **options):
    process = spawn(cls, *arguments, **options)
    print(process.pid, flush=True)
    os.kill(os.getpid(), signal.SIGKILL)
ServiceProcess.spawn = classmethod(spawn_then_die)
"""


# Its initdb takes a minute (a slow disk, say) and writes nothing meanwhile: nothing ends it but a signal.
SLOW_INITDB = """
from pathlib import Path
from drills.runtimes.local import runtime
from drills.runtimes.local.launch import Servers
machine = runtime.servers()
runtime.servers = lambda: Servers(Path({bin!r}), machine.redis, machine.account)
"""


def until(condition: Callable[[], bool], timeout: float = WAIT_SECONDS) -> bool:
    deadline = time.monotonic() + timeout
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.05)
    return condition()


def alive(pid: int, started: str | None) -> bool:
    """Whether the process is still running as itself (a zombie has ended)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return False
    return started is not None and fields[19] == started and fields[0] != "Z"


def children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(stat.parent.name))
        except (OSError, ValueError, IndexError):
            continue
    return found


def command(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


@pytest.fixture
def harnesses() -> Iterator[list[subprocess.Popen[str]]]:
    """Harnesses a test starts; any still running at its end is killed (its world is then the reaper's)."""
    started: list[subprocess.Popen[str]] = []
    yield started
    for harness in started:
        harness.kill()
        harness.wait(timeout=WAIT_SECONDS)
        if harness.stdout is not None:
            harness.stdout.close()


def start_harness(harnesses: list[subprocess.Popen[str]], patch: str = "") -> subprocess.Popen[str]:
    harness = subprocess.Popen(
        [sys.executable, "-c", HARNESS.format(patch=patch)], cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    harnesses.append(harness)
    return harness


def test_reaper_stops_a_process_its_harness_died_before_recording(
    drillbit_home: Path, harnesses: list[subprocess.Popen[str]]
) -> None:
    harness = start_harness(harnesses, DIE_AT_FIRST_SPAWN)
    spawned = int(harness.stdout.readline()) if harness.stdout else 0
    started = start_time(spawned)
    harness.wait(timeout=WAIT_SECONDS)
    worlds = drillbit_home / "worlds"

    # Once the world's folder is gone, the reaper is done: nothing of the world may run then.
    until(lambda: os.listdir(worlds) == [])
    try:
        assert (harness.returncode, alive(spawned, started), os.listdir(worlds)) == (-signal.SIGKILL, False, [])
    finally:
        if alive(spawned, started):
            os.killpg(spawned, signal.SIGKILL)


def test_reaper_stops_initdb_when_its_harness_dies_during_it(
    drillbit_home: Path, harnesses: list[subprocess.Popen[str]]
) -> None:
    slow = drillbit_home / "slow-bin"
    slow.mkdir(mode=0o755)
    (slow / "initdb").write_text("#!/bin/sh\nsleep 60\n")
    (slow / "initdb").chmod(0o755)
    harness = start_harness(harnesses, SLOW_INITDB.format(bin=str(slow)))

    def initdb() -> list[int]:
        return [pid for pid in children(harness.pid) if "initdb" in command(pid)]

    assert until(lambda: bool(initdb())), "initdb never started"
    (running,) = initdb()
    started = start_time(running)
    harness.kill()
    harness.wait(timeout=WAIT_SECONDS)
    worlds = drillbit_home / "worlds"

    # Once the world's folder is gone, the reaper is done: nothing of the world may run then.
    until(lambda: os.listdir(worlds) == [])
    try:
        assert (alive(running, started), os.listdir(worlds)) == (False, [])
    finally:
        if alive(running, started):
            for pid in (*children(running), running):
                os.kill(pid, signal.SIGKILL)
