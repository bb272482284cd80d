"""Issue 13's figure: how soon each product world of docker-compose.yml is up with `drillbit up --check --world NAME`.

For every world (or those named) it runs the whole command `--runs` times, as a user would (a process of its own,
the default DRILLBIT_HOME), and reads its output as it comes: the world is up once the command prints its table of
services, every one checked healthy. Prints, per world, the median and max time to that table against the 3 s
target, and the median of the whole command (the table, then the world torn down). One untimed run first makes
what a first run makes once (Postgres' template cluster, compiled modules). Loopback only; bounded in time.

    .venv/bin/python bench/world_up.py [--runs 5] [WORLD ...]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from drills.world.worlds import world_file

DRILLBIT = Path(sys.executable).with_name("drillbit")
TARGET_SECONDS = 3.0
TIMEOUT_SECONDS = 120.0
TABLE_DONE = "export "
"""The table is printed whole before the first of the variables to reach the world with."""


def one_run(product: str) -> tuple[float, float]:
    """Seconds until `drillbit up --check --world product` printed its table, and until it exited."""
    started = time.perf_counter()
    command = [str(DRILLBIT), "up", "--check", "--world", product]
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True) as running:
        assert running.stdout is not None
        output, table = [], None
        for line in running.stdout:
            output.append(line)
            if table is None and line.startswith(TABLE_DONE):
                table = time.perf_counter() - started
        code = running.wait(timeout=TIMEOUT_SECONDS)
    whole = time.perf_counter() - started
    if code != 0 or table is None:
        raise SystemExit(f"{' '.join(command[1:])} exited {code}:\n{''.join(output)}")
    return table, whole


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("worlds", nargs="*", help="Worlds to bring up (default: every world of the file).")
    options = parser.parse_args()
    products = options.worlds or list(world_file().products)
    print(
        f"`drillbit up --check --world NAME`, {options.runs} runs each, target: the table in ≤ {TARGET_SECONDS:g} s "
        f"median (load {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs)"
    )
    for product in products:
        one_run(product)
        runs = [one_run(product) for _ in range(options.runs)]
        tables = [table for table, _ in runs]
        median = statistics.median(tables)
        verdict = "within target" if median <= TARGET_SECONDS else f"{median - TARGET_SECONDS:.2f} s over"
        print(
            f"  {product:<18} up and checked: median {median:.2f} s, max {max(tables):.2f} s  "
            f"(whole command, teardown included: median {statistics.median(whole for _, whole in runs):.2f} s)  "
            f"{verdict}"
        )


if __name__ == "__main__":
    main()
