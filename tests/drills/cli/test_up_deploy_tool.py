"""`drillbit up` serves the deploy tool while its world is up, and takes it down with the world."""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from drills.deploy.client import DeployClient
from drills.deploy.session import choose_session, running_sessions

pytestmark = pytest.mark.world

ROOT = Path(__file__).parents[3]
WAIT_SECONDS = 60.0


def _read(process: subprocess.Popen[str], lines: queue.Queue[str]) -> None:
    assert process.stdout is not None
    for line in process.stdout:
        lines.put(line)


def _wait_for(lines: queue.Queue[str], needle: str) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    seen = []
    while time.monotonic() < deadline:
        try:
            line = lines.get(timeout=max(0.0, deadline - time.monotonic()))
        except queue.Empty:
            break
        seen.append(line)
        if needle in line:
            return
    raise AssertionError(f"{needle!r} never appeared in:\n{''.join(seen)}")


def test_up_serves_the_deploy_tool_until_the_world_is_torn_down(drillbit_home: Path) -> None:
    env = {key: value for key, value in os.environ.items() if key != "DRILLBIT_WORLD"}
    with subprocess.Popen(
        [sys.executable, "-m", "drills.cli", "up"],
        cwd=ROOT,
        env=env | {"DRILLBIT_HOME": str(drillbit_home), "COLUMNS": "200"},
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    ) as up:
        lines: queue.Queue[str] = queue.Queue()
        reader = threading.Thread(target=_read, args=(up, lines), daemon=True)
        reader.start()
        try:
            _wait_for(lines, "`drillbit shell` work on it")
            with DeployClient(choose_session(None, {})) as client:
                line = client.restart("scheduler")
            _wait_for(lines, f"deploy tool: {line}")
            up.send_signal(signal.SIGTERM)
            code = up.wait(timeout=WAIT_SECONDS)
        finally:
            up.kill()
            up.wait(timeout=WAIT_SECONDS)
            reader.join(WAIT_SECONDS)
    worlds = list((drillbit_home / "worlds").iterdir())
    assert (line, code, running_sessions(), worlds) == ("world restart scheduler: restarted", 130, [], [])
