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
from pathlib import Path

import pytest

from drills.runtimes.local import registry
from drills.world.home import start_time
from tests.drills.cli.cli_runs import ROOT, drillbit

WAIT_SECONDS = 60.0


def first_match(lines: queue.Queue[str], pattern: str) -> re.Match[str]:
    """The first line matching ``pattern``; fails after ``WAIT_SECONDS``."""
    deadline = time.monotonic() + WAIT_SECONDS
    seen = []
    while (left := deadline - time.monotonic()) > 0:
        try:
            line = lines.get(timeout=left)
        except queue.Empty:
            break
        seen.append(line)
        if match := re.search(pattern, line):
            return match
    raise AssertionError(f"{pattern!r} never appeared in:\n{''.join(seen)}")


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
        name = first_match(lines, r"The world (world-[0-9a-f]+) is up")[1]
        record = json.loads((drillbit_home / "worlds" / name / registry.STATE_FILE).read_text())
        # A crash that takes the reaper too (the machine's OOM killer, say): nothing cleans up on its own.
        os.kill(record["services"]["reaper"], signal.SIGKILL)
    finally:
        harness.kill()
        harness.wait(timeout=WAIT_SECONDS)
        reader.join(timeout=WAIT_SECONDS)
        if harness.stdout is not None:
            harness.stdout.close()
    left_behind = (sorted(os.listdir(drillbit_home / "worlds")), len(still_running(record["groups"])) > 0)

    done = drillbit("down")

    assert (done.returncode, done.stdout, done.stderr) == (
        0,
        f"removed {name} ({len(record['groups'])} process groups)\n1 world(s) removed\n",
        "",
    )
    assert (left_behind, os.listdir(drillbit_home / "worlds"), gone(record["groups"])) == (([name], True), [], [])


def test_down_with_nothing_left_behind_says_so_and_exits_0(drillbit_home: Path) -> None:
    done = drillbit("down")

    assert (done.returncode, done.stdout, done.stderr) == (0, "nothing to remove\n", "")
