"""One service process: started in its own session with its output in a log file, stopped for sure."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

STOP_GRACE_SECONDS = 1.0


@dataclass(frozen=True)
class RunAs:
    """An unprivileged account to run a server as (Postgres refuses to run as root)."""

    uid: int
    gid: int


class ServiceProcess:
    """A process of the world, in its own process group so that stopping it stops its children too."""

    def __init__(self, name: str, popen: subprocess.Popen[bytes], log_path: Path) -> None:
        self.name = name
        self.popen = popen
        self.log_path = log_path

    @property
    def pid(self) -> int:
        return self.popen.pid

    @classmethod
    def spawn(
        cls,
        name: str,
        argv: Sequence[str],
        env: Mapping[str, str],
        log_path: Path,
        *,
        cwd: Path | None = None,
        run_as: RunAs | None = None,
        stdin: bytes | None = None,
        waiting: bool = False,
    ) -> ServiceProcess:
        """Starts the process, its output appended to ``log_path``; ``stdin`` is written to it and closed (a short
        text: a pipe holds 64 KiB), else it reads nothing; ``waiting``: its standard input stays open for the one
        order :meth:`give_order` writes."""
        log_path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        # Readable by the world's owner only: a service may log what a secret unlocked.
        descriptor = os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        with os.fdopen(descriptor, "ab") as log:
            popen = subprocess.Popen(
                list(argv),
                env=dict(env),
                cwd=cwd,
                stdin=subprocess.DEVNULL if stdin is None and not waiting else subprocess.PIPE,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                user=run_as.uid if run_as else None,
                group=run_as.gid if run_as else None,
                extra_groups=[] if run_as else None,
            )
        process = cls(name, popen, log_path)
        if stdin is not None:
            process.give_order(stdin)
        return process

    def give_order(self, order: bytes) -> None:
        """Writes ``order`` to the process's standard input and closes it; one that is gone hears nothing."""
        if self.popen.stdin is not None:
            with contextlib.suppress(BrokenPipeError), self.popen.stdin:
                self.popen.stdin.write(order)

    def alive(self) -> bool:
        return self.popen.poll() is None

    def log_tail(self, lines: int = 20) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])

    def send(self, signum: int) -> None:
        """Signal the whole process group; a group that is already gone is fine."""
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.popen.pid, signum)

    def stop(self, signum: int = signal.SIGTERM, grace: float = STOP_GRACE_SECONDS) -> None:
        """Ask politely, then kill the group; always reaps the process."""
        if self.popen.stdin is not None:
            with contextlib.suppress(OSError):
                self.popen.stdin.close()
        if self.alive():
            self.send(signum)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.popen.wait(timeout=grace)
        self.send(signal.SIGKILL)
        self.popen.wait(timeout=5)
