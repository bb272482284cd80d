"""The local runtime brings real servers up, keeps worlds apart, and leaves nothing behind."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import psycopg
import pytest

from drills.errors import InputError, ServiceStartError
from drills.runtimes.local import registry
from drills.runtimes.local.runtime import LocalRuntime, clean_orphans
from drills.world.home import pid_alive, worlds_root
from drills.world.protocol import WorldOptions
from drills.world.spec import HealthCheck, HealthKind, ServiceKind, ServiceSpec, WorldSpec
from drills.world.worlds import world_spec

pytestmark = pytest.mark.world

DATA_ONLY = world_spec().only("postgres", "redis")
WAIT_SECONDS = 8.0


def _wait_gone(pids: list[int], timeout: float = WAIT_SECONDS) -> list[int]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and any(pid_alive(pid) for pid in pids):
        time.sleep(0.05)
    return [pid for pid in pids if pid_alive(pid)]


def test_local_runtime_two_worlds_run_side_by_side(drillbit_home: Path) -> None:
    first = LocalRuntime().up(DATA_ONLY, WorldOptions(seed=1))
    second = LocalRuntime().up(DATA_ONLY, WorldOptions(seed=2))
    try:
        ports = {first.endpoints["postgres"].port, second.endpoints["postgres"].port}
        names = []
        for world in (first, second):
            with psycopg.connect(world.endpoints["postgres"].url, connect_timeout=5) as conn:
                names.append(conn.execute("SELECT current_database()").fetchone())
        assert (len(ports), names) == (2, [("drillbit",), ("drillbit",)])
    finally:
        first.teardown()
        second.teardown()


def test_local_runtime_teardown_stops_every_process_and_removes_files(drillbit_home: Path) -> None:
    world = LocalRuntime().up(DATA_ONLY, WorldOptions())
    pids = [process.pid for process in world.processes.values()]
    world.teardown()
    assert (_wait_gone(pids), world.directory.exists()) == ([], False)


def test_local_runtime_world_is_reaped_when_the_harness_is_killed(drillbit_home: Path) -> None:
    script = (
        "import json, sys, threading\n"
        "from drills.runtimes.local.runtime import LocalRuntime\n"
        "from drills.world.worlds import world_spec\n"
        "from drills.world.protocol import WorldOptions\n"
        "from drills.world.spec import WorldSpec\n"
        "services = tuple(s for s in world_spec().services if s.name in ('postgres', 'redis'))\n"
        "DATA_ONLY = WorldSpec(services=services)\n"
        "world = LocalRuntime().up(DATA_ONLY, WorldOptions())\n"
        "pids = [p.pid for p in world.processes.values()]\n"
        "print(json.dumps({'pids': pids, 'dir': str(world.directory)}), flush=True)\n"
        "threading.Event().wait()\n"
    )
    harness = subprocess.Popen(
        [sys.executable, "-c", script], stdout=subprocess.PIPE, text=True, cwd=Path(__file__).parents[3]
    )
    try:
        line = harness.stdout.readline() if harness.stdout else ""
        started = json.loads(line)
    finally:
        harness.send_signal(signal.SIGKILL)
        harness.wait(timeout=5)
        if harness.stdout:
            harness.stdout.close()
    # How soon (about two seconds) is a figure of bench/world_figures.py; here, a bounded wait for it to happen at all.
    directory = Path(started["dir"])
    deadline = time.monotonic() + WAIT_SECONDS
    while directory.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert (_wait_gone(started["pids"]), directory.exists()) == ([], False)


def test_local_runtime_names_a_service_that_does_not_start(drillbit_home: Path) -> None:
    broken = ServiceSpec("broken", ServiceKind.PYTHON, HealthCheck(HealthKind.HTTP), module="no_such_module_here")
    with pytest.raises(ServiceStartError) as raised:
        LocalRuntime().up(WorldSpec(services=(broken,)), WorldOptions())
    message = str(raised.value)
    assert message.splitlines()[0] == "service 'broken' did not start: it exited"
    assert "No module named no_such_module_here" in message
    assert list((drillbit_home / "worlds").iterdir()) == []


def test_clean_orphans_removes_a_world_whose_harness_died(drillbit_home: Path) -> None:
    sleeper = subprocess.Popen(["sleep", "60"], start_new_session=True)
    dead = subprocess.Popen(["true"])
    dead.wait(timeout=5)
    directory = worlds_root() / "world-orphan"
    directory.mkdir()
    registry.write_record(directory, dead.pid, {"sleeper": sleeper.pid}, reaper=None)
    removed = clean_orphans()
    sleeper.wait(timeout=5)
    assert (removed, directory.exists(), sleeper.returncode) == (["world-orphan"], False, -signal.SIGTERM)


def test_clean_orphans_keeps_a_world_whose_harness_lives(drillbit_home: Path) -> None:
    directory = worlds_root() / "world-alive"
    directory.mkdir()
    registry.write_record(directory, os.getpid(), {}, reaper=None)
    assert (clean_orphans(), directory.exists()) == ([], True)


def test_local_runtime_refuses_a_container_only_service_before_starting_anything(drillbit_home: Path) -> None:
    container = ServiceSpec("vendor-api", ServiceKind.CONTAINER, HealthCheck(HealthKind.HTTP))
    spec = replace(world_spec().only("postgres"), services=(world_spec().service("postgres"), container))

    with pytest.raises(InputError, match=r"vendor-api can run only as a container") as refused:
        LocalRuntime().up(spec, WorldOptions())

    assert refused.value.exit_code == 2
    assert not worlds_root().exists() or list(worlds_root().iterdir()) == []


def test_local_runtime_creates_the_databases_its_world_file_names(drillbit_home: Path) -> None:
    postgres = replace(world_spec().service("postgres"), databases=("scratch", "restore_target"))
    world = LocalRuntime().up(replace(world_spec().only("postgres"), services=(postgres,)), WorldOptions())
    try:
        with psycopg.connect(world.endpoints["postgres"].url, connect_timeout=5) as conn:
            names = {row[0] for row in conn.execute("SELECT datname FROM pg_database")}
    finally:
        world.teardown()

    assert {"drillbit", "scratch", "restore_target"} <= names
