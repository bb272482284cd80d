"""The world's reaper: a tiny process that outlives the harness just long enough to stop its world.

The harness holds the write end of the reaper's standard input and tells it which process groups belong to
the world (``watch PID``). If the harness dies, even by SIGKILL, the pipe closes: the reaper stops every
watched group (SIGTERM, then SIGKILL), removes the world's directory and exits. A clean teardown says
``done`` first. It imports nothing but the standard library, so it starts in milliseconds.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import sys
import time

GRACE_SECONDS = 1.5


def _signal_group(pid: int, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signum)


def _alive(pid: int) -> bool:
    try:
        os.killpg(pid, 0)
    except (ProcessLookupError, PermissionError):
        return False
    return True


def reap(groups: set[int]) -> None:
    for pid in groups:
        _signal_group(pid, signal.SIGTERM)
    deadline = time.monotonic() + GRACE_SECONDS
    while any(_alive(pid) for pid in groups) and time.monotonic() < deadline:
        time.sleep(0.05)
    for pid in groups:
        _signal_group(pid, signal.SIGKILL)


def main(argv: list[str]) -> int:
    world_dir = argv[1] if len(argv) > 1 else None
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    groups: set[int] = set()
    for line in sys.stdin:
        word, _, value = line.strip().partition(" ")
        if word == "watch":
            groups.add(int(value))
        elif word == "forget":
            groups.discard(int(value))
        elif word == "done":
            return 0
    reap(groups)
    if world_dir:
        shutil.rmtree(world_dir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
