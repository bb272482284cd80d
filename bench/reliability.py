"""Issue 12's figures: a harness SIGKILLed at random moments, and right after its world's first process appears,
leaves nothing behind.

Each trial starts `drillbit up` (or `drillbit run SCENARIO`) in a process of its own, under a DRILLBIT_HOME of its
own, and SIGKILLs it: either after a random delay (uniform over --horizon seconds, which spans the world coming up
and running), or the moment a process carrying a world tag appears (found by scanning /proc). After --settle
seconds it counts what is left: processes carrying a world tag of that home, or working in one of its world folders
(which also catches a server that wrote its title over its environment), and world folders. The recovery counted
is the reaper's alone; `drillbit down` runs only after the count, to clean up for the next trial, and what it found
is printed too. Loopback only; bounded in time.

    .venv/bin/python bench/reliability.py [--random 50] [--first-process 10] [--command up|run] [--settle 5]
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from drills.runtimes.local import tags

ROOT = Path(__file__).parents[1]
FIRST_PROCESS_TIMEOUT = 60.0
HORIZONS = {"up": 6.0, "run": 12.0}


@dataclass(frozen=True)
class Trial:
    """One killed harness: when it was killed, what was left after the settle time, what `drillbit down` found."""

    killed_after: float
    processes: int
    folders: int
    down_removed: int
    seconds: float


def harness(command: str, scenario: str, home: Path) -> subprocess.Popen[bytes]:
    arguments = ["up"] if command == "up" else ["run", scenario, "--report-dir", str(home / "reports")]
    env = {key: value for key, value in os.environ.items() if key != "DRILLBIT_WORLD"} | {"DRILLBIT_HOME": str(home)}
    return subprocess.Popen(
        [sys.executable, "-m", "drills.cli", *arguments],
        cwd=ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def of_home(worlds: Path) -> Callable[[str], bool]:
    return lambda tag: Path(tag).parent == worlds


def first_tagged(worlds: Path, running: subprocess.Popen[bytes]) -> bool:
    """Waits until a process carrying a world tag of ``worlds`` exists; False if the harness ended first."""
    seen: set[int] = set()
    deadline = time.monotonic() + FIRST_PROCESS_TIMEOUT
    while time.monotonic() < deadline and running.poll() is None:
        for name in os.listdir("/proc"):
            if not name.isdigit() or int(name) in seen:
                continue
            seen.add(int(name))
            tag = tags.tag_of(int(name))
            if tag is not None and Path(tag).parent == worlds:
                return True
    return False


def working_in(worlds: Path) -> int:
    """Processes whose working directory is in a world folder of ``worlds`` (removed or not)."""
    count = 0
    for name in os.listdir("/proc"):
        try:
            if name.isdigit() and os.readlink(f"/proc/{name}/cwd").startswith(f"{worlds}/"):
                count += 1
        except OSError:
            continue
    return count


def left_over(worlds: Path) -> tuple[int, int]:
    tagged = {found.pid for found in tags.census(of_home(worlds))}
    return len(tagged) + working_in(worlds), len(os.listdir(worlds))


def down(home: Path) -> int:
    env = {**os.environ, "DRILLBIT_HOME": str(home)}
    done = subprocess.run(
        [sys.executable, "-m", "drills.cli", "down"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    return sum(line.startswith("removed ") for line in done.stdout.splitlines())


def trial(command: str, scenario: str, delay: float | None, settle: float) -> Trial:
    home = Path(tempfile.mkdtemp(prefix="drillbit-reliability-"))
    home.chmod(0o755)
    worlds = home / "worlds"
    worlds.mkdir(mode=0o755)
    started = time.monotonic()
    running = harness(command, scenario, home)
    try:
        if delay is None:
            first_tagged(worlds, running)
        else:
            time.sleep(delay)
        killed_after = time.monotonic() - started
    finally:
        running.kill()
        running.wait(timeout=30)
    time.sleep(settle)
    processes, folders = left_over(worlds)
    removed = down(home)
    tags.reap(of_home(worlds))  # whatever neither the reaper nor `drillbit down` stopped
    shutil.rmtree(home, ignore_errors=True)
    return Trial(killed_after, processes, folders, removed, time.monotonic() - started)


def report(title: str, trials: list[Trial]) -> None:
    if not trials:
        return
    dirty = [found for found in trials if found.processes or found.folders]
    print(
        f"{title}: {len(trials)} trials, killed {min(t.killed_after for t in trials):.2f}"
        f"-{max(t.killed_after for t in trials):.2f} s after start; left after the settle time: "
        f"{sum(t.processes for t in trials)} processes, {sum(t.folders for t in trials)} world folders "
        f"({len(dirty)} trials with leftovers); `drillbit down` then removed {sum(t.down_removed for t in trials)}; "
        f"one trial {statistics.median(t.seconds for t in trials):.1f} s (median)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--random", type=int, default=50, help="kills at random moments")
    parser.add_argument("--first-process", type=int, default=10, help="kills when the first process appears")
    parser.add_argument("--command", choices=sorted(HORIZONS), default="up")
    parser.add_argument("--scenario", default="cron-secret-mismatch", help="the scenario `drillbit run` drills")
    parser.add_argument("--horizon", type=float, default=None, help="random kills fall in [0, horizon] seconds")
    parser.add_argument("--settle", type=float, default=5.0, help="seconds between the kill and the count")
    parser.add_argument("--seed", type=int, default=12)
    options = parser.parse_args()
    chance = random.Random(options.seed)
    horizon = options.horizon or HORIZONS[options.command]
    name = f"drillbit {options.command}" + (f" {options.scenario}" if options.command == "run" else "")
    moments = [chance.uniform(0, horizon) for _ in range(options.random)]
    at_random = [trial(options.command, options.scenario, moment, options.settle) for moment in moments]
    report(f"{name}, SIGKILL at a random moment", at_random)
    first = [trial(options.command, options.scenario, None, options.settle) for _ in range(options.first_process)]
    report(f"{name}, SIGKILL as its first process appears", first)


if __name__ == "__main__":
    main()
