"""What a deploy tool or a fault does to a docker world: stop, kill, pause, restart, redeploy, tear down; and what
testcontainers' reaper does when the harness dies. Each test has a small world of its own.

These need a Docker engine; without one each skips, saying which engine did not answer (``pytest -rs``).
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

import psycopg
import pytest

from drills.clock import ManualClock, TimeScale
from drills.errors import ServiceStartError
from drills.runtimes.docker.runtime import DockerRuntime
from drills.runtimes.docker.world import DockerWorld
from drills.runtimes.local.runtime import clean_orphans
from drills.world.protocol import WorldOptions
from drills.world.spec import ContainerSpec
from drills.world_clock import WorldClock
from tests.drills.runtimes.docker.docker_worlds import ROOT, engine, environment, eventually, labelled, small_world

pytestmark = [pytest.mark.docker, pytest.mark.usefixtures("docker_engine"), pytest.mark.timeout(600)]

SCALE = TimeScale(600.0)


@pytest.fixture
def clock() -> WorldClock:
    """A world clock on a wall that never moves by itself: only what the world charges moves it."""
    return WorldClock(ManualClock(), SCALE)


@pytest.fixture
def world(docker_engine: None, drillbit_home: Path, clock: WorldClock) -> Iterator[DockerWorld]:
    started = DockerRuntime(project=ROOT).up(small_world(), WorldOptions(clock=clock))
    clock.start()
    yield started
    started.teardown()


def _rows(world: DockerWorld) -> list[tuple[str]]:
    with psycopg.connect(world.endpoints["postgres"].url, connect_timeout=5) as conn:
        return [(str(row[0]),) for row in conn.execute("SELECT note FROM kept ORDER BY note").fetchall()]


def _keep(world: DockerWorld, note: str) -> None:
    with psycopg.connect(world.endpoints["postgres"].url, connect_timeout=5, autocommit=True) as conn:
        conn.execute("CREATE TABLE IF NOT EXISTS kept (note text)")
        conn.execute("INSERT INTO kept VALUES (%s)", (note,))


def _charged(clock: WorldClock, action: Callable[[], None]) -> float:
    """The scenario seconds the world clock moved on while ``action`` ran."""
    before = clock.monotonic()
    action()
    return SCALE.to_scenario(clock.monotonic() - before)


def test_docker_world_stop_then_start_brings_the_service_back_at_its_port(world: DockerWorld) -> None:
    port = world.endpoints["mail"].port
    world.stop("mail")
    stopped = (world.running("mail"), world.healthy("mail"))
    world.start("mail")

    assert (stopped, world.healthy("mail"), world.endpoints["mail"].port) == ((False, False), True, port)


def test_docker_world_kill_ends_the_container_at_once(world: DockerWorld) -> None:
    world.kill("redis")
    killed = world.running("redis")
    world.start("redis")

    assert (killed, world.healthy("redis")) == (False, True)


def test_docker_world_pause_freezes_the_service_and_resume_thaws_it(world: DockerWorld) -> None:
    world.pause("mail")
    paused = (world.running("mail"), world.healthy("mail"))
    world.resume("mail")

    assert (paused, world.healthy("mail")) == ((True, False), True)


def test_docker_world_restart_keeps_the_data_and_costs_its_declared_minute(
    world: DockerWorld, clock: WorldClock
) -> None:
    _keep(world, "before")

    charged = _charged(clock, lambda: world.restart("postgres"))

    assert (charged, world.healthy("postgres"), _rows(world)) == (pytest.approx(60.0), True, [("before",)])


def test_docker_world_redeploy_recreates_the_container_with_its_new_settings(
    world: DockerWorld, clock: WorldClock
) -> None:
    name = f"drillbit-{world.name}-mail"
    before = world.endpoints["mail"].port

    charged = _charged(clock, lambda: world.redeploy("mail", {"MAIL_API_KEY": "rotated-key", "DRILLBIT_SEED": None}))
    found = environment(name)

    assert (found["MAIL_API_KEY"], "DRILLBIT_SEED" in found, world.settings("mail")["MAIL_API_KEY"]) == (
        "rotated-key",
        False,
        "rotated-key",
    )
    assert (charged, world.healthy("mail"), world.endpoints["mail"].port) == (pytest.approx(60.0), True, before)


def test_docker_world_redeploy_of_postgres_keeps_its_database(world: DockerWorld) -> None:
    _keep(world, "kept")

    world.redeploy("postgres", {})

    assert _rows(world) == [("kept",)]


def test_docker_world_restart_of_toxiproxy_gives_it_the_world_s_proxies_back(world: DockerWorld) -> None:
    world.restart("toxiproxy")

    with psycopg.connect(world.proxies["postgres"].url, connect_timeout=5) as conn:
        assert conn.execute("SELECT 1").fetchone() == (1,)


def test_docker_world_teardown_removes_every_container_the_network_the_volume_and_the_folder(
    world: DockerWorld,
) -> None:
    world.teardown()
    client = engine()
    try:
        networks = client.networks.list(names=[world.plan.network])
        volumes = [v for v in client.volumes.list() if v.name in world.plan.volumes]
    finally:
        client.close()

    assert (labelled(world.name), networks, volumes, world.directory.exists()) == ([], [], [], False)


def test_docker_runtime_names_a_service_that_does_not_start_and_leaves_nothing(drillbit_home: Path) -> None:
    spec = small_world()
    broken = ContainerSpec(image="redis:7-alpine", command=("sh", "-c", "echo no such server here; exit 3"))
    spec = replace(
        spec, services=tuple(replace(s, container=broken) if s.name == "redis" else s for s in spec.services)
    )

    with pytest.raises(ServiceStartError) as raised:
        DockerRuntime(project=ROOT).up(spec, WorldOptions())

    message = str(raised.value)
    assert (message.splitlines()[0], "no such server here" in message) == (
        "service 'redis' did not start: it exited",
        True,
    )
    assert list((drillbit_home / "worlds").iterdir()) == []


def test_docker_world_is_reaped_when_the_harness_is_killed(drillbit_home: Path) -> None:
    script = (
        "import sys, threading\n"
        "from pathlib import Path\n"
        "from drills.runtimes.docker.runtime import DockerRuntime\n"
        "from drills.world.protocol import WorldOptions\n"
        "from tests.drills.runtimes.docker.docker_worlds import small_world\n"
        "world = DockerRuntime(project=Path(sys.argv[1])).up(small_world(), WorldOptions())\n"
        "print(world.name, flush=True)\n"
        "threading.Event().wait()\n"
    )
    harness = subprocess.Popen([sys.executable, "-c", script, str(ROOT)], stdout=subprocess.PIPE, text=True, cwd=ROOT)
    try:
        name = harness.stdout.readline().strip() if harness.stdout else ""
        alive = labelled(name)
    finally:
        harness.send_signal(signal.SIGKILL)
        harness.wait(timeout=10)
        if harness.stdout:
            harness.stdout.close()

    # Ryuk waits for its harness to reconnect (10 s by default), then removes what the harness's session made.
    assert (len(alive), eventually(lambda: labelled(name) == [], timeout=90.0)) == (4, True)
    assert name in clean_orphans()


def test_docker_world_secrets_are_kept_for_its_owner_alone(world: DockerWorld) -> None:
    secrets_file = world.directory / "secrets.json"

    assert (oct(secrets_file.stat().st_mode & 0o777), json.loads(secrets_file.read_text())) == (
        "0o600",
        dict(world.secrets),
    )
