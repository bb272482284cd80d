"""`drillbit up` ends on Ctrl-C or SIGTERM like every interrupted command: world torn down, exit code 130."""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from tests.drills.cli.cli_runs import ROOT, first_match

WAIT_SECONDS = 60.0

pytestmark = pytest.mark.world


@pytest.mark.parametrize(
    ("started_with", "signum"),
    [
        # A script's `drillbit up &`: a non-interactive shell starts a background job with SIGINT ignored.
        ("trap '' INT", signal.SIGINT),
        (":", signal.SIGINT),
        (":", signal.SIGTERM),
    ],
    ids=["ctrl-c-when-started-ignoring-it", "ctrl-c", "sigterm"],
)
def test_up_tears_the_world_down_and_exits_130_when_interrupted(
    drillbit_home: Path, started_with: str, signum: signal.Signals
) -> None:
    env = {key: value for key, value in os.environ.items() if key != "DRILLBIT_WORLD"} | {"COLUMNS": "200"}
    command = f'{started_with}; exec "$0" -m drills.cli up'
    harness = subprocess.Popen(
        ["sh", "-c", command, sys.executable],
        cwd=ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines: queue.Queue[str] = queue.Queue()
    reader = threading.Thread(target=lambda: [lines.put(line) for line in harness.stdout or ()], daemon=True)
    reader.start()
    try:
        first_match(lines, r"The world world-[0-9a-f]+ \(scheduled-reports\) is up")
        harness.send_signal(signum)
        try:
            code: int | None = harness.wait(timeout=WAIT_SECONDS)
        except subprocess.TimeoutExpired:
            code = None
    finally:
        harness.kill()  # the world is then the reaper's
        harness.wait(timeout=WAIT_SECONDS)
        reader.join(timeout=WAIT_SECONDS)
        if harness.stdout is not None:
            harness.stdout.close()
    said = []
    while not lines.empty():
        said.append(lines.get().strip())

    assert (code, said[-2:], os.listdir(drillbit_home / "worlds")) == (
        130,
        ["stopping the world...", "interrupted"],
        [],
    )
