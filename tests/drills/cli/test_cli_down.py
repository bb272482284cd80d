"""`drillbit down`: a world whose harness crashed is removed, processes and files, and the command says so."""

from __future__ import annotations

import json
import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from drills.runtimes.local import registry
from drills.world.home import TAG_VARIABLE, start_time, worlds_root
from tests.drills.cli.cli_runs import ROOT, drillbit, first_match

WAIT_SECONDS = 60.0


def still_running(groups: dict[str, str | None]) -> list[int]:
    """The recorded process groups still there as the same processes (pid and kernel start time)."""
    return [int(pid) for pid, started in groups.items() if started and start_time(int(pid)) == started]


def gone(groups: dict[str, str | None]) -> list[int]:
    """Waits up to ``WAIT_SECONDS`` for the groups' leaders to be gone; those that are not."""
    deadline = time.monotonic() + WAIT_SECONDS
    while (running := still_running(groups)) and time.monotonic() < deadline:
        time.sleep(0.05)
    return running


@pytest.mark.world
def test_down_removes_a_world_its_crashed_harness_left_behind_and_says_so(drillbit_home: Path) -> None:
    env = {**os.environ, "COLUMNS": "200"}
    harness = subprocess.Popen(
        [sys.executable, "-m", "drills.cli", "up"], cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True
    )
    lines: queue.Queue[str] = queue.Queue()
    reader = threading.Thread(target=lambda: [lines.put(line) for line in harness.stdout or ()], daemon=True)
    reader.start()
    try:
        name = first_match(lines, r"The world (world-[0-9a-f]+) \(scheduled-reports\) is up")[1]
        record = json.loads((drillbit_home / "worlds" / name / registry.STATE_FILE).read_text())
        # A crash that takes the reaper too (the machine's OOM killer, say): nothing cleans up on its own.
        os.kill(record["reaper"], signal.SIGKILL)
    finally:
        harness.kill()
        harness.wait(timeout=WAIT_SECONDS)
        reader.join(timeout=WAIT_SECONDS)
        if harness.stdout is not None:
            harness.stdout.close()
    left_behind = (sorted(os.listdir(drillbit_home / "worlds")), len(still_running(record["groups"])) > 0)

    done = drillbit("down")

    said = re.fullmatch(rf"removed {name} \((\d+) processes stopped\)\n1 world\(s\) removed\n", done.stdout)
    assert (done.returncode, said is not None, done.stderr) == (0, True, ""), done.stdout
    # Every process of the world: each recorded service, and whatever they started (Postgres' backends).
    assert said is not None
    assert int(said[1]) >= len(record["groups"])
    assert (left_behind, os.listdir(drillbit_home / "worlds"), gone(record["groups"])) == (([name], True), [], [])


def test_down_with_nothing_left_behind_says_so_and_exits_0(drillbit_home: Path) -> None:
    done = drillbit("down")

    assert (done.returncode, done.stdout, done.stderr) == (0, "nothing to remove\n", "")


@pytest.fixture
def sleepers() -> Iterator[list[subprocess.Popen[bytes]]]:
    """Stand-ins for a world's processes: `sleep 60`, each in a session of its own; killed at the end if need be."""
    started: list[subprocess.Popen[bytes]] = []
    yield started
    for sleeper in started:
        sleeper.kill()
        sleeper.wait(timeout=WAIT_SECONDS)


def sleeper(started: list[subprocess.Popen[bytes]], tag: Path | None = None) -> subprocess.Popen[bytes]:
    """A process carrying the tag of the world in folder ``tag`` (none without one)."""
    env = {"PATH": os.environ["PATH"]} | ({TAG_VARIABLE: str(tag)} if tag is not None else {})
    process = subprocess.Popen(["sleep", "60"], env=env, start_new_session=True)
    started.append(process)
    return process


def gone_owner() -> tuple[int, str]:
    """The pid and start time of a harness that has exited."""
    ended = subprocess.Popen(["true"])
    started = start_time(ended.pid)
    ended.wait(timeout=WAIT_SECONDS)
    return ended.pid, started or "0"


def world_folder(folder: Path, owner: tuple[int, str | None], groups: dict[int, str | None] | None = None) -> Path:
    """A world's folder with the record its harness wrote: its owner and the process groups it recorded."""
    folder.mkdir(mode=0o700)
    record = {
        "owner_pid": owner[0],
        "owner_started": owner[1],
        "groups": {str(pid): started for pid, started in (groups or {}).items()},
        "services": {},
    }
    (folder / registry.STATE_FILE).write_text(json.dumps(record))
    return folder


def ended(process: subprocess.Popen[bytes]) -> int | None:
    """How the process ended (waiting up to ``WAIT_SECONDS``), or None if it still runs."""
    try:
        return process.wait(timeout=WAIT_SECONDS)
    except subprocess.TimeoutExpired:
        return None


def test_down_stops_a_process_its_crashed_world_never_recorded(
    drillbit_home: Path, sleepers: list[subprocess.Popen[bytes]], monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = world_folder(worlds_root() / "world-crashed", gone_owner())
    unrecorded = sleeper(sleepers, folder)
    # Run from the world's own shell, `drillbit down` carries the tag too: it stops the world, never itself.
    monkeypatch.setenv(TAG_VARIABLE, str(folder))

    done = drillbit("down")

    assert (done.returncode, done.stdout, done.stderr) == (
        0,
        "removed world-crashed (1 process stopped)\n1 world(s) removed\n",
        "",
    )
    assert (ended(unrecorded), folder.exists()) == (-signal.SIGTERM, False)


def test_down_stops_the_processes_of_a_world_whose_folder_is_gone(
    drillbit_home: Path, sleepers: list[subprocess.Popen[bytes]]
) -> None:
    folder = worlds_root() / "world-gone"
    first, second = sleeper(sleepers, folder), sleeper(sleepers, folder)

    done = drillbit("down")

    assert (done.returncode, done.stdout, done.stderr) == (
        0,
        "removed world-gone (2 processes stopped)\n1 world(s) removed\n",
        "",
    )
    assert (ended(first), ended(second)) == (-signal.SIGTERM, -signal.SIGTERM)


def test_down_touches_nothing_but_what_crashed_worlds_left(
    drillbit_home: Path, tmp_path: Path, sleepers: list[subprocess.Popen[bytes]]
) -> None:
    worlds = worlds_root()
    this_process = (os.getpid(), start_time(os.getpid()))
    running = world_folder(worlds / "world-running", this_process)
    of_a_running_world = sleeper(sleepers, running)
    of_another_home = sleeper(sleepers, tmp_path / "worlds" / "world-elsewhere")
    # A crashed world's record names two pids the kernel has since given to other processes: one has another
    # start time, the other's was never known.
    reused, unknown = sleeper(sleepers), sleeper(sleepers)
    world_folder(worlds / "world-crashed", gone_owner(), {reused.pid: "1", unknown.pid: None})
    # A world its harness is making right now: its folder is still under its staging name.
    being_made = worlds / f".world-new.{this_process[0]}-{this_process[1]}.partial"
    being_made.mkdir(mode=0o700)

    done = drillbit("down")

    assert (done.returncode, done.stdout, done.stderr) == (
        0,
        "removed world-crashed (0 processes stopped)\n1 world(s) removed\n",
        "",
    )
    untouched = [process.poll() for process in (of_a_running_world, of_another_home, reused, unknown)]
    assert (untouched, sorted(os.listdir(worlds))) == ([None] * 4, [being_made.name, running.name])


def test_down_removes_folders_cut_short_while_being_made_or_removed(drillbit_home: Path) -> None:
    worlds = worlds_root()
    owner, started = gone_owner()
    (worlds / f".world-made.{owner}-{started}.partial").mkdir()
    (worlds / "world-removed" / "logs").mkdir(parents=True)

    done = drillbit("down")

    assert (done.returncode, done.stdout, done.stderr, os.listdir(worlds)) == (
        0,
        f"removed .world-made.{owner}-{started}.partial (0 processes stopped)\n"
        "removed world-removed (0 processes stopped)\n2 world(s) removed\n",
        "",
        [],
    )
