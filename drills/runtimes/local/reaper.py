"""The world's reaper: a tiny process that outlives the harness just long enough to stop its world.

The harness starts it before anything else of the world, even the world's folder, and holds the write end of its
standard input. If the harness dies, even by SIGKILL, the pipe closes: the reaper stops every process carrying the
world's tag, their descendants and every process the harness told it of (``watch PID START``) that still is itself,
round after round until none is left, then removes the world's folder (and its staging folder, if the harness died
while making it). A clean teardown says ``done`` instead. Standard library only, so it starts in milliseconds.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
from pathlib import Path

from drills.runtimes.local import registry, tags
from drills.world.home import start_time

DONE_TIMEOUT_SECONDS = 5.0


class Reaper:
    """The harness's end of a world's reaper."""

    def __init__(self, popen: subprocess.Popen[str]) -> None:
        self.popen = popen

    @property
    def pid(self) -> int:
        return self.popen.pid

    @classmethod
    def start(cls, directory: Path) -> Reaper:
        """Starts the reaper of the world that will live in ``directory`` and belongs to this process."""
        owner = os.getpid()
        argv = [sys.executable, "-m", __name__, str(directory), str(owner), start_time(owner) or ""]
        return cls(subprocess.Popen(argv, stdin=subprocess.PIPE, text=True, start_new_session=True))

    def watch(self, pid: int, started: str) -> None:
        self._say(f"watch {pid} {started}")

    def done(self) -> None:
        """The world is gone: the reaper exits without looking for anything."""
        self._say("done")
        with contextlib.suppress(OSError):
            if self.popen.stdin is not None:
                self.popen.stdin.close()
        self.popen.wait(timeout=DONE_TIMEOUT_SECONDS)

    def _say(self, line: str) -> None:
        stdin = self.popen.stdin
        # A reaper someone killed (`drillbit down --all`) hears nothing more; the world's tag still marks it all.
        with contextlib.suppress(OSError):
            if stdin is not None and not stdin.closed:
                stdin.write(line + "\n")
                stdin.flush()


def reap(directory: Path, owner: tuple[int, str | None], watched: dict[int, str]) -> int:
    """Stops the world's processes, then removes its folders; how many processes it stopped."""
    tag = str(directory)
    stopped = tags.reap(lambda found: found == tag, watched)
    registry.remove_folder(registry.staging_path(directory, *owner))
    record = registry.read_record(directory)
    # A folder of that name that another harness made is not ours to remove (a name clash, once in 2**32 worlds).
    if record is None or (record.owner_pid, record.owner_started) == owner:
        registry.remove_folder(directory)
    return stopped


def main(argv: list[str]) -> int:
    directory, owner = Path(argv[1]), (int(argv[2]), argv[3] or None)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    watched: dict[int, str] = {}
    for line in sys.stdin:
        word, *values = line.split()
        if word == "watch" and len(values) == 2:
            watched[int(values[0])] = values[1]
        elif word == "done":
            return 0
    reap(directory, owner, watched)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
