"""A world's processes are found by the tag they carry, with their descendants, and only they are ever signalled."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from drills.runtimes.local import tags
from drills.world.home import TAG_VARIABLE

WAIT_SECONDS = 30.0


@pytest.fixture
def started() -> Iterator[list[subprocess.Popen[bytes]]]:
    processes: list[subprocess.Popen[bytes]] = []
    yield processes
    for process in processes:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=WAIT_SECONDS)


def start(processes: list[subprocess.Popen[bytes]], command: str, tag: str | None) -> subprocess.Popen[bytes]:
    env = {"PATH": os.environ["PATH"]} | ({TAG_VARIABLE: tag} if tag is not None else {})
    process = subprocess.Popen(["sh", "-c", command], env=env, start_new_session=True)
    processes.append(process)
    return process


def children(pid: int) -> list[int]:
    """The children of ``pid`` once it has some (bounded wait)."""
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        found = [int(task) for task in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
        if found:
            return found
        time.sleep(0.02)
    return []


def test_census_finds_tagged_processes_and_their_untagged_descendants(
    started: list[subprocess.Popen[bytes]], tmp_path: Path
) -> None:
    tag = str(tmp_path / "world-a")
    # A child that drops the tag from its environment, as a server writing its title over it does.
    parent = start(started, f"env -u {TAG_VARIABLE} sleep 60 & wait", tag)
    (child,) = children(parent.pid)
    start(started, "sleep 60", str(tmp_path / "world-b"))
    start(started, "sleep 60", None)

    found = tags.census(lambda carried: carried == tag)

    assert [(process.pid, process.tag) for process in found] == sorted([(parent.pid, tag), (child, tag)])


def test_census_never_finds_the_process_that_looks_nor_its_ancestors(tmp_path: Path) -> None:
    tag = str(tmp_path / "world-a")
    looker = (
        "import json\n"
        "from drills.runtimes.local import tags\n"
        f"print(json.dumps([found.pid for found in tags.census(lambda tag: tag == {tag!r})]))\n"
    )
    # The looker runs under a tagged shell; both carry the world's tag.
    done = subprocess.run(
        ["sh", "-c", f'"{sys.executable}" -c "$0"; true', looker],
        env={**os.environ, TAG_VARIABLE: tag},
        capture_output=True,
        text=True,
        timeout=WAIT_SECONDS,
        check=True,
    )

    assert json.loads(done.stdout) == []


def test_send_never_signals_a_pid_the_kernel_gave_to_another_process(started: list[subprocess.Popen[bytes]]) -> None:
    other = start(started, "sleep 60", None)
    recycled = tags.Found(other.pid, "1", "/nowhere/world-a")  # started when the machine booted: not this one

    assert (tags.send(recycled, signal.SIGKILL), tags.stop([recycled]), other.poll()) == (False, 0, None)


def test_stop_ends_a_paused_process(started: list[subprocess.Popen[bytes]], tmp_path: Path) -> None:
    tag = str(tmp_path / "world-a")
    paused = start(started, "exec sleep 60", tag)
    os.kill(paused.pid, signal.SIGSTOP)

    stopped = tags.stop(tags.census(lambda carried: carried == tag))

    assert (stopped, paused.wait(timeout=WAIT_SECONDS)) == (1, -signal.SIGTERM)
