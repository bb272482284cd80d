"""Issue 3's figures: `drillbit up --check` time to all healthy, teardown time, the world's RSS, and the
fleet-health page for 10,000 tenants. Prints one line per figure; bounded in time; loopback only.

    .venv/bin/python bench/world_up.py [--runs 5] [--tenants 10000]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx

from drills.reference_world import reference_world
from drills.runtimes.local.runtime import LocalRuntime
from drills.runtimes.local.world import LocalWorld
from drills.world import WorldOptions


def process_groups_rss(groups: set[int]) -> int:
    """Resident memory, in bytes, of every process in the given process groups."""
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[2]) not in groups:
                continue
            status = (stat.parent / "status").read_text()
        except (OSError, IndexError, ValueError):
            continue
        for line in status.splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1]) * 1024
    return total


def one_up(tenants: int) -> tuple[float, float, int, LocalWorld]:
    started = time.monotonic()
    world = LocalRuntime().up(reference_world(), WorldOptions(tenants=tenants))
    healthy = all(world.healthy(s.name) for s in world.spec.services)
    up_seconds = time.monotonic() - started
    if not healthy:
        raise SystemExit("a service was not healthy")
    groups = {p.pid for p in world.processes.values()}
    return up_seconds, 0.0, process_groups_rss(groups), world


def timed_teardown(world: LocalWorld) -> float:
    started = time.monotonic()
    world.teardown()
    return time.monotonic() - started


def cli_check_seconds() -> float:
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "drills.cli", "up", "--check"], capture_output=True, timeout=120)
    if done.returncode != 0:
        raise SystemExit(f"drillbit up --check failed:\n{done.stdout.decode()}\n{done.stderr.decode()}")
    return time.monotonic() - started


def fleet_page_seconds(tenants: int, requests: int = 7) -> list[float]:
    world = LocalRuntime().up(reference_world(), WorldOptions(tenants=tenants))
    try:
        url = world.endpoints["app"].url
        key = world.secrets["admin_api_key"]
        headers = {"Authorization": f"Bearer {key}"}
        timings = []
        with httpx.Client(timeout=30) as client:
            for _ in range(requests):
                started = time.monotonic()
                answer = client.get(f"{url}/admin/fleet-health", headers=headers)
                timings.append(time.monotonic() - started)
                answer.raise_for_status()
        return timings
    finally:
        world.teardown()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--tenants", type=int, default=10_000)
    args = parser.parse_args()
    ups, downs, rss = [], [], []
    for _ in range(args.runs):
        up_seconds, _, memory, world = one_up(20)
        ups.append(up_seconds)
        rss.append(memory)
        downs.append(timed_teardown(world))
    cli = [cli_check_seconds() for _ in range(3)]
    print(f"world up to all healthy (in-process): median {statistics.median(ups):.2f} s, max {max(ups):.2f} s")
    print(f"`drillbit up --check` whole command:  median {statistics.median(cli):.2f} s (includes teardown)")
    print(f"teardown:                              median {statistics.median(downs):.2f} s, max {max(downs):.2f} s")
    print(f"world RSS (all processes):             max {max(rss) / 2**20:.0f} MiB")
    fleet = fleet_page_seconds(args.tenants)
    print(f"fleet-health page, {args.tenants} tenants:   median {statistics.median(fleet) * 1000:.0f} ms")


if __name__ == "__main__":
    main()
