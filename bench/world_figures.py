"""Issue 3's figures (each world's `drillbit up --check` is bench/world_up.py's): the reference world's time to all
healthy in-process, teardown time, the world's RSS, one scheduler
tick's reports for the world's 20 tenants, how soon the reaper removes the world of a SIGKILLed harness, and the
fleet-health page for 10,000 tenants (as served, and built afresh). Prints one line per figure; bounded in time;
loopback only.

    .venv/bin/python bench/world_figures.py [--runs 5] [--tenants 10000]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx
import redis

from drills.runtimes.local.runtime import LocalRuntime
from drills.runtimes.local.world import LocalWorld
from drills.world.protocol import WorldOptions
from drills.world.worlds import world_spec
from fakes.kit.cache import KEY_PREFIX
from fakes.reports.fleet import GENERATION_KEY

REPORT_TENANTS = 20


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
    world = LocalRuntime().up(world_spec(), WorldOptions(tenants=tenants))
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


REAPED_HARNESS = """
import json, threading
from drills.world.worlds import world_spec
from drills.runtimes.local.runtime import LocalRuntime
from drills.world.protocol import WorldOptions
world = LocalRuntime().up(world_spec(), WorldOptions())
print(json.dumps(str(world.directory)), flush=True)
threading.Event().wait()
"""


def reaped_seconds() -> float:
    """Seconds from SIGKILLing a harness whose world is up until its reaper has removed the world's folder."""
    harness = subprocess.Popen([sys.executable, "-c", REAPED_HARNESS], stdout=subprocess.PIPE, text=True)
    try:
        directory = Path(json.loads(harness.stdout.readline() if harness.stdout else "null"))
    finally:
        harness.kill()
        killed = time.monotonic()
        harness.wait(timeout=10)
        if harness.stdout:
            harness.stdout.close()
    while directory.exists():
        if time.monotonic() - killed > 30:
            raise SystemExit(f"the reaper left {directory} behind")
        time.sleep(0.01)
    return time.monotonic() - killed


def report_tick_seconds(world: LocalWorld, run: int) -> float:
    """One scheduler tick, as the scheduler sends it, for a slot of its own: every tenant's report is due."""
    url = world.endpoints["app"].url
    headers = {"X-Scheduler-Secret": world.secrets["scheduler_secret"]}
    slot = f"2030-01-01T{run:02d}:00:00Z"
    started = time.monotonic()
    answer = httpx.post(f"{url}/api/v1/internal/run-due-reports", json={"slot": slot}, headers=headers, timeout=30)
    seconds = time.monotonic() - started
    answer.raise_for_status()
    if answer.json()["sent"] != REPORT_TENANTS:
        raise SystemExit(f"the tick did not send every report: {answer.text}")
    return seconds


def fleet_page_seconds(tenants: int, requests: int = 7) -> tuple[list[float], list[float]]:
    """Seconds for the page as served (cached after the first), then for the page built afresh each time."""
    world = LocalRuntime().up(world_spec(), WorldOptions(tenants=tenants))
    try:
        url = world.endpoints["app"].url
        key = world.secrets["admin_api_key"]
        headers = {"Authorization": f"Bearer {key}"}
        served, fresh = [], []
        with httpx.Client(timeout=30) as client, redis.Redis.from_url(world.endpoints["redis"].url) as cache:
            for timings, invalidate in ((served, False), (fresh, True)):
                for _ in range(requests):
                    if invalidate:
                        cache.incr(KEY_PREFIX + GENERATION_KEY)
                    started = time.monotonic()
                    answer = client.get(f"{url}/admin/fleet-health", headers=headers)
                    timings.append(time.monotonic() - started)
                    answer.raise_for_status()
        return served, fresh
    finally:
        world.teardown()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--tenants", type=int, default=10_000)
    args = parser.parse_args()
    ups, downs, rss, ticks = [], [], [], []
    for run in range(args.runs):
        up_seconds, _, memory, world = one_up(REPORT_TENANTS)
        ups.append(up_seconds)
        rss.append(memory)
        ticks.append(report_tick_seconds(world, run))
        downs.append(timed_teardown(world))
    print(f"world up to all healthy (in-process): median {statistics.median(ups):.2f} s, max {max(ups):.2f} s")
    print(f"teardown:                              median {statistics.median(downs):.2f} s, max {max(downs):.2f} s")
    print(f"world RSS (all processes):             max {max(rss) / 2**20:.0f} MiB")
    print(
        f"scheduler tick, {REPORT_TENANTS} tenants' reports:   median {statistics.median(ticks) * 1000:.0f} ms, "
        f"max {max(ticks) * 1000:.0f} ms"
    )
    reaped = [reaped_seconds() for _ in range(3)]
    print(f"SIGKILLed harness, world reaped:       median {statistics.median(reaped):.2f} s, max {max(reaped):.2f} s")
    fleet, fresh = fleet_page_seconds(args.tenants)
    print(f"fleet-health page, {args.tenants} tenants:   median {statistics.median(fleet) * 1000:.0f} ms")
    print(
        f"  built afresh (cache invalidated):     median {statistics.median(fresh) * 1000:.0f} ms, "
        f"min {min(fresh) * 1000:.0f} ms"
    )


if __name__ == "__main__":
    main()
