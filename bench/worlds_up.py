"""Issue 13's figure: each product world of docker-compose.yml brought up with `drillbit up --check --world NAME`.

For every world (or those named), runs the whole command `--runs` times (it brings the world up, checks every
service, prints the table and tears the world down) and prints the median and max wall time beside the 3 s
target, and the median time the world took to come up in-process (LocalRuntime.up alone, without the CLI's start
or the teardown). Loopback only; bounded in time.

    .venv/bin/python bench/worlds_up.py [--runs 5] [WORLD ...]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from drills.runtimes.local.runtime import LocalRuntime
from drills.world.protocol import WorldOptions
from drills.world.worlds import world_file, world_spec

DRILLBIT = Path(sys.executable).with_name("drillbit")
TARGET_SECONDS = 3.0
TIMEOUT_SECONDS = 120.0


def command_seconds(product: str, env: dict[str, str]) -> float:
    """Wall time of one `drillbit up --check --world product`; stops the bench unless every service was healthy."""
    started = time.perf_counter()
    done = subprocess.run(
        [str(DRILLBIT), "up", "--check", "--world", product], env=env, capture_output=True, timeout=TIMEOUT_SECONDS
    )
    if done.returncode != 0:
        raise SystemExit(f"drillbit up --check --world {product} exited {done.returncode}:\n{done.stdout.decode()}")
    return time.perf_counter() - started


def up_seconds(product: str) -> float:
    """Wall time of LocalRuntime.up alone, the world torn down after."""
    started = time.perf_counter()
    world = LocalRuntime().up(world_spec(product), WorldOptions())
    took = time.perf_counter() - started
    world.teardown()
    return took


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("worlds", nargs="*", help="Worlds to bring up (default: every world of the file).")
    options = parser.parse_args()
    products = options.worlds or list(world_file().products)
    print(
        f"each world: `drillbit up --check --world NAME`, {options.runs} runs, target median ≤ {TARGET_SECONDS:g} s "
        f"(load {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs)"
    )
    with tempfile.TemporaryDirectory(prefix="worlds-up-") as home:
        env = os.environ | {"DRILLBIT_HOME": home}
        os.environ["DRILLBIT_HOME"] = home
        for product in products:
            command_seconds(product, env)  # untimed: compiles what the command imports
            whole = [command_seconds(product, env) for _ in range(options.runs)]
            alone = [up_seconds(product) for _ in range(options.runs)]
            median = statistics.median(whole)
            verdict = "within target" if median <= TARGET_SECONDS else f"{median - TARGET_SECONDS:.2f} s over"
            print(
                f"  {product:<18} command median {median:.2f} s  max {max(whole):.2f} s  "
                f"(world up alone: median {statistics.median(alone):.2f} s)  {verdict}"
            )


if __name__ == "__main__":
    main()
