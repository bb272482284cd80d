"""The whole reference world on the local runtime: healthy, wired through its proxies, doing its work."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import psycopg
import pytest

from drills.runtimes.local.runtime import LocalRuntime
from drills.runtimes.local.world import LocalWorld
from drills.world.protocol import WorldOptions
from drills.world.worlds import world_spec

pytestmark = pytest.mark.world

WAIT_SECONDS = 20.0


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalWorld]:
    # A time scale of 600: the 15-minute scheduler ticks every 1.5 s.
    running = LocalRuntime().up(world_spec(), WorldOptions(seed=7, time_scale=600, tenants=5))
    yield running
    running.teardown()


def _eventually(condition: Callable[[], bool], timeout: float = WAIT_SECONDS) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return condition()


def _health(world: LocalWorld) -> tuple[int, dict[str, str]]:
    answer = httpx.get(f"{world.endpoints['app'].url}/api/v1/health", timeout=10)
    checks = answer.json()["checks"]
    return answer.status_code, {name: check["status"] for name, check in checks.items()}


def _set_proxy(world: LocalWorld, name: str, enabled: bool) -> None:
    api = world.endpoints["toxiproxy"].url
    httpx.post(f"{api}/proxies/{name}", json={"enabled": enabled}, timeout=5).raise_for_status()


def test_reference_world_every_service_is_healthy(world: LocalWorld) -> None:
    services = world.spec.names()
    assert {name: world.healthy(name) for name in services} == dict.fromkeys(services, True)


def test_reference_world_app_reaches_each_dependency_through_its_proxy(world: LocalWorld) -> None:
    settings = world.settings("app")
    variables = {"postgres": "DATABASE_URL", "redis": "REDIS_URL", "timetracking": "TIMETRACKING_URL"}
    variables.update(mail="MAIL_URL")
    ports = {name: urlsplit(settings[variable]).port for name, variable in variables.items()}
    assert ports == {name: world.proxies[name].port for name in variables}


@pytest.mark.parametrize(("proxy", "check"), [("postgres", "db"), ("redis", "cache")])
def test_reference_world_health_notices_a_disabled_proxy(world: LocalWorld, proxy: str, check: str) -> None:
    _set_proxy(world, proxy, enabled=False)
    try:
        noticed = _eventually(lambda: _health(world)[1][check] != "ok")
        down = _health(world)
    finally:
        _set_proxy(world, proxy, enabled=True)
    assert (noticed, down[0]) == (True, 503)
    assert _eventually(lambda: _health(world) == (200, {"db": "ok", "cache": "ok"}))


def test_reference_world_ticks_send_each_report_exactly_once(world: LocalWorld) -> None:
    def sent_runs() -> list[tuple[int, str]]:
        with psycopg.connect(world.endpoints["postgres"].url, connect_timeout=5) as conn:
            rows = conn.execute("SELECT tenant_id, slot::text FROM report_runs WHERE status = 'sent'").fetchall()
        return [(int(tenant), str(slot)) for tenant, slot in rows]

    assert _eventually(lambda: len({slot for _, slot in sent_runs()}) >= 2)
    runs = sent_runs()
    mailbox = httpx.get(f"{world.endpoints['mail'].url}/v1/mailbox", timeout=5).json()["messages"]
    subjects = Counter(message["subject"] for message in mailbox)
    assert (max(subjects.values()), len(mailbox) >= len(runs), len(set(runs)) == len(runs)) == (1, True, True)


def test_reference_world_a_restarted_proxy_server_keeps_every_proxy(world: LocalWorld) -> None:
    before = {name: endpoint.port for name, endpoint in world.proxies.items()}
    world.restart("toxiproxy")
    listed = httpx.get(f"{world.endpoints['toxiproxy'].url}/proxies", timeout=5).json()
    after = {name: int(proxy["listen"].rsplit(":", 1)[1]) for name, proxy in listed.items()}
    assert after == before
    assert _eventually(lambda: _health(world) == (200, {"db": "ok", "cache": "ok"}))


def test_reference_world_files_live_in_the_world_directory(world: LocalWorld) -> None:
    logs = sorted(path.name for path in Path(world.directory, "logs").iterdir())
    assert logs == sorted(f"{name}.log" for name in world.spec.names())
