"""Item 7's figures: how soon `drillbit --help`, `drillbit list` and `drillbit world status` answer.

Each command runs as a subprocess of the venv's `drillbit`, from the repository (so `list` finds scenarios/),
after one untimed run that compiles what it imports (PYTHONDONTWRITEBYTECODE is taken out of their environment
for that). Prints the median and the max wall time against the target,
and the median CPU time, which a busy machine inflates less. `list` runs twice: with the cache its untimed run
filled (its usual case: the scenarios have not changed since the last list), and with no usable cache (the first
list after a change reads and validates every file). `world status` runs twice: with an empty
DRILLBIT_HOME, so no world is running and it answers with an error (exit 2), which times its start-up alone; then
against a world that `drillbit up` brings up for it (and tears down after), which times what a person waits for:
the start-up, the call to the deploy tool and the deploy tool's health check of every service.

    .venv/bin/python bench/cli_start.py [--runs 10] [--no-world]
"""

from __future__ import annotations

import argparse
import contextlib
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DRILLBIT = Path(sys.executable).with_name("drillbit")
TARGET_SECONDS = 0.3
TIMEOUT_SECONDS = 60.0
COMMANDS = {"--help": 0, "list": 0, "world status": 2}
"""Each command, and the exit code that shows it ran as meant."""


def one_run(args: list[str], expected: int, env: dict[str, str]) -> tuple[float, float]:
    """Wall and CPU seconds of one run; stops the bench if the command did not answer as expected."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run([str(DRILLBIT), *args], cwd=ROOT, env=env, capture_output=True, timeout=TIMEOUT_SECONDS)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != expected:
        raise SystemExit(f"drillbit {' '.join(args)} exited {done.returncode}, not {expected}:\n{done.stderr.decode()}")
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def measure(label: str, args: list[str], expected: int, env: dict[str, str], runs: int) -> None:
    one_run(args, expected, env)
    wall, cpu = zip(*(one_run(args, expected, env) for _ in range(runs)), strict=True)
    median = statistics.median(wall)
    verdict = "within target" if median <= TARGET_SECONDS else f"{median - TARGET_SECONDS:.2f} s over"
    print(
        f"  drillbit {label:<26} median {median:.3f} s  max {max(wall):.3f} s  "
        f"cpu {statistics.median(cpu):.3f} s  {verdict}"
    )


@contextlib.contextmanager
def running_world(env: dict[str, str]) -> Iterator[None]:
    """`drillbit up` in the background until `drillbit world status` answers; torn down (SIGTERM) after."""
    up = subprocess.Popen(
        [str(DRILLBIT), "up"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        deadline = time.monotonic() + TIMEOUT_SECONDS
        while subprocess.run([str(DRILLBIT), "world", "status"], env=env, capture_output=True).returncode != 0:
            if up.poll() is not None or time.monotonic() > deadline:
                raise SystemExit("drillbit up did not bring a world up")
            time.sleep(0.5)
        yield
    finally:
        up.terminate()
        up.wait(timeout=TIMEOUT_SECONDS)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--no-world", action="store_true", help="Skip world status against a running world.")
    options = parser.parse_args()
    load = f"load {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs"
    print(f"drillbit start-up, {options.runs} runs each, target {TARGET_SECONDS:.2f} s ({load})")
    with tempfile.TemporaryDirectory(prefix="cli-start-") as home:
        env = os.environ | {"DRILLBIT_HOME": home, "XDG_CACHE_HOME": f"{home}/cache", "COLUMNS": "100"}
        # The untimed run compiles what it imports, as a user's first run does; an environment that forbids
        # writing bytecode (some sandboxes and CI images set this) would compile drillbit's modules every run.
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        for command, expected in COMMANDS.items():
            label = {"list": "list (cached)", "world status": "world status (no world)"}.get(command, command)
            measure(label, command.split(), expected, env, options.runs)
        measure("list (nothing cached)", ["list"], 0, env | {"XDG_CACHE_HOME": os.devnull}, options.runs)
        if not options.no_world:
            with running_world(env):
                measure("world status (world up)", ["world", "status"], 0, env, options.runs)


if __name__ == "__main__":
    main()
