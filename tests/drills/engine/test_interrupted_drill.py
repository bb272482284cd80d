"""A drill interrupted mid-fault reverts its faults, stops every process it started and still writes its report."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from drills.world.home import pid_alive

pytestmark = pytest.mark.world

ROOT = Path(__file__).parents[3]
WAIT_SECONDS = 60.0


def _world_pids(home: Path) -> list[int]:
    pids: list[int] = []
    for record in (home / "worlds").glob("*/world.json"):
        pids.extend(int(pid) for pid in json.loads(record.read_text())["groups"])
    return pids


def _wait_for_line(process: subprocess.Popen[str], needle: str) -> list[str]:
    seen: list[str] = []
    deadline = time.monotonic() + WAIT_SECONDS
    assert process.stdout is not None
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        seen.append(line)
        if needle in line:
            return seen
    raise AssertionError(f"{needle!r} never appeared in:\n{''.join(seen)}")


@pytest.mark.parametrize(
    ("signum", "started_with"),
    [
        (signal.SIGINT, ":"),
        (signal.SIGTERM, ":"),
        # A script's `drillbit run ... &`: a non-interactive shell starts a background job with SIGINT ignored.
        (signal.SIGINT, "trap '' INT"),
    ],
    ids=["ctrl-c", "sigterm", "ctrl-c-when-started-ignoring-it"],
)
def test_interrupted_drill_leaves_no_fault_and_no_process(
    signum: int, started_with: str, drillbit_home: Path, tmp_path: Path
) -> None:
    run = f'{started_with}; exec "$0" -m drills.cli run db-pool-exhausted --report-dir "$1"'
    command = ["sh", "-c", run, sys.executable, str(tmp_path)]
    env = {**os.environ, "COLUMNS": "200"}
    drill = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    try:
        _wait_for_line(drill, "fault_injected")
        pids = _world_pids(drillbit_home)
        drill.send_signal(signum)
        drill.wait(timeout=WAIT_SECONDS)
    finally:
        if drill.poll() is None:
            drill.kill()
            drill.wait(timeout=10)
        if drill.stdout is not None:
            drill.stdout.close()
    report = json.loads(next(tmp_path.glob("*/report.json")).read_text())
    reverts = [event["data"] for event in report["timeline"] if event["kind"] == "fault_reverted"]
    assert (drill.returncode, report["outcome"]) == (130, "aborted")
    assert sorted((revert["fault"], revert["ok"]) for revert in reverts) == [
        ("booking-traffic", True),
        ("forgotten-lock", True),
    ]
    assert (len(pids) >= 5, [pid for pid in pids if pid_alive(pid)]) == (True, [])  # the bookings world: 5 services
    assert list((drillbit_home / "worlds").iterdir()) == []
