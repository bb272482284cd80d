"""The scheduled-reports world as containers: up, ready, reached on loopback, wired through Toxiproxy, logged.

These need a Docker engine; without one each skips, saying which engine did not answer (``pytest -rs``).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import psycopg
import pytest

from drills.runtimes.docker.runtime import DockerRuntime
from drills.runtimes.docker.world import DockerWorld
from drills.world.protocol import WorldOptions
from tests.drills.runtimes.docker.docker_worlds import ROOT, engine, environment, eventually
from tests.drills.runtimes.docker.scheduled_reports import scheduled_reports

pytestmark = [pytest.mark.docker, pytest.mark.usefixtures("docker_engine"), pytest.mark.timeout(900)]

PROXIES = ["mail", "messaging", "postgres", "redis", "timetracking"]


@pytest.fixture(scope="module")
def world(docker_engine: None, deploy_home: Path) -> Iterator[DockerWorld]:
    """The whole profile, once for the module (its first start builds the fakes' image)."""
    started = DockerRuntime(project=ROOT).up(scheduled_reports(), WorldOptions(seed=7, time_scale=10.0, tenants=3))
    yield started
    started.teardown()


def _health(world: DockerWorld) -> httpx.Response:
    return httpx.get(f"{world.endpoints['app'].url}/api/v1/health", timeout=10.0)


def _proxy(world: DockerWorld, name: str, enabled: bool) -> None:
    url = f"{world.endpoints['toxiproxy'].url}/proxies/{name}"
    httpx.post(url, json={"enabled": enabled}, timeout=10.0).raise_for_status()


def test_docker_world_comes_up_with_every_service_ready(world: DockerWorld) -> None:
    names = world.spec.names()

    assert {name: world.healthy(name) for name in names} == dict.fromkeys(names, True)
    assert {name: world.running(name) for name in names} == dict.fromkeys(names, True)


def test_docker_world_is_reached_on_loopback_each_service_and_proxy_at_its_own_port(world: DockerWorld) -> None:
    addresses = [*world.endpoints.values(), *world.proxies.values()]

    assert ({a.host for a in addresses}, len({a.port for a in addresses}), sorted(world.proxies)) == (
        {"127.0.0.1"},
        len(addresses),
        PROXIES,
    )
    assert world.endpoints["app"].url == f"http://127.0.0.1:{world.endpoints['app'].port}"


def test_docker_world_app_is_healthy_through_its_proxies(world: DockerWorld) -> None:
    answer = _health(world)

    assert (answer.status_code, answer.json()["checks"]) == (200, {"db": {"status": "ok"}, "cache": {"status": "ok"}})


def test_docker_world_proxy_down_cuts_the_app_from_redis_and_up_again_restores_it(world: DockerWorld) -> None:
    _proxy(world, "redis", enabled=False)
    try:
        degraded = eventually(lambda: _health(world).status_code == 503, timeout=15.0)
    finally:
        _proxy(world, "redis", enabled=True)

    assert (degraded, eventually(lambda: _health(world).status_code == 200, timeout=15.0)) == (True, True)


def test_docker_world_proxy_forwards_to_postgres_from_the_harness(world: DockerWorld) -> None:
    with psycopg.connect(world.proxies["postgres"].url, connect_timeout=5) as conn:
        found = conn.execute("SELECT current_database()").fetchone()

    assert found == ("drillbit",)


def test_docker_world_gives_the_app_its_settings_with_addresses_as_written(world: DockerWorld) -> None:
    password = world.secrets["postgres_password"]
    settings = world.settings("app")

    assert settings["DATABASE_URL"] == f"postgresql://postgres:{password}@toxiproxy:15432/drillbit"
    assert environment(f"drillbit-{world.name}-app")["DATABASE_URL"] == settings["DATABASE_URL"]


def test_docker_world_puts_no_secret_on_a_command_line(world: DockerWorld) -> None:
    client = engine()
    try:
        commands = [
            json.dumps([c.attrs["Path"], *c.attrs["Args"]])
            for c in client.containers.list(filters={"name": f"drillbit-{world.name}-"})
        ]
    finally:
        client.close()

    assert [c for c in commands if any(secret in c for secret in world.secrets.values())] == []


def test_docker_world_writes_each_container_s_output_to_its_service_s_log(world: DockerWorld) -> None:
    log = world.log_path("toxiproxy")

    def every_proxy_logged() -> bool:
        text = log.read_text() if log.exists() else ""
        return text.count("Started proxy") >= len(PROXIES) and all(name in text for name in PROXIES)

    assert eventually(every_proxy_logged, timeout=10.0)


def test_docker_world_fakes_read_the_world_clock_from_their_mount(world: DockerWorld) -> None:
    client = engine()
    try:
        container = client.containers.get(f"drillbit-{world.name}-app")
        code, output = container.exec_run(["python", "-c", "print(open('/run/drillbit/clock.json').read())"])
    finally:
        client.close()

    assert (code, json.loads(output)) == (0, json.loads(world.clock_file.read_text()))
