"""One reference world for every fault test, put back in shape after each test whatever the test did."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from pydantic import TypeAdapter

from drills.clock import SystemClock, TimeScale
from drills.runtimes.local.runtime import LocalRuntime
from drills.runtimes.local.world import LocalWorld
from drills.scenario.kinds import Fault
from drills.world.context import DrillContext
from drills.world.home import default_home
from drills.world.protocol import WorldOptions
from drills.world.spec import HealthKind
from drills.world.worlds import world_spec

PROVIDERS = ("timetracking", "mail", "messaging")
FAULTS_WORLD = world_spec().adding(world_spec("vouchers"), "messaging")
"""The scheduled-reports world and the vouchers world's messaging provider: every provider a fault acts on."""

UP_ATTEMPTS = 3
_FAULTS: TypeAdapter[Fault] = TypeAdapter(Fault)


def _up(home: Path) -> LocalWorld:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DRILLBIT_HOME", str(home))
        for attempt in range(1, UP_ATTEMPTS + 1):
            try:
                return LocalRuntime().up(FAULTS_WORLD, WorldOptions(seed=7))
            except FileNotFoundError:
                # registry.write_record races when a wave starts services in parallel (reported); retry.
                if attempt == UP_ATTEMPTS:
                    raise
    raise AssertionError("unreachable")


@pytest.fixture(scope="session")
def world() -> Iterator[LocalWorld]:
    """The whole scheduled-reports world (app, scheduler, Postgres, Redis, toxiproxy), and every provider."""
    home = Path(tempfile.mkdtemp(prefix="drillbit-faults-", dir=default_home().parent))
    home.chmod(0o755)
    world = _up(home)
    yield world
    world.teardown()
    shutil.rmtree(home, ignore_errors=True)


@pytest.fixture(scope="session")
def original_settings(world: LocalWorld) -> dict[str, dict[str, str]]:
    return {service: dict(world.settings(service)) for service in world.spec.names()}


@pytest.fixture
def context(world: LocalWorld, tmp_path: Path) -> DrillContext:
    return DrillContext(world, SystemClock(), TimeScale(1.0), world.epoch, tmp_path)


@pytest.fixture
def send_mail(world: LocalWorld) -> Callable[[str], int]:
    """Sends one message through the mail provider with an API key; the answer's status."""

    def send(api_key: str) -> int:
        message = {"from": "reports@drillbit.test", "to": "ops@example.test", "subject": "s", "text": "t"}
        answer = httpx.post(
            f"{world.endpoints['mail'].url}/v1/messages",
            headers={"Authorization": f"Bearer {api_key}"},
            json=message,
            timeout=5,
        )
        return answer.status_code

    return send


@pytest.fixture
def make_fault() -> Callable[..., Fault]:
    """A fault as a scenario file would give it: ``make_fault(id="x", kind="provider", ...)``."""

    def make(**fields: Any) -> Fault:
        return _FAULTS.validate_python(fields)

    return make


@pytest.fixture(autouse=True)
def world_in_shape(request: pytest.FixtureRequest) -> Iterator[None]:
    """After a test that used the world: its settings as at the start, every service healthy, every proxy
    enabled and without toxics, every provider's faults reset. So one failing test cannot fail the next."""
    if "world" in request.fixturenames:
        request.getfixturevalue("original_settings")
    yield
    if "world" not in request.fixturenames:
        return
    world: LocalWorld = request.getfixturevalue("world")
    for service, original in request.getfixturevalue("original_settings").items():
        current = dict(world.settings(service))
        if current != original:
            world.redeploy(service, {key: original.get(key) for key in {*current, *original}})
    with httpx.Client(timeout=2) as client:
        # In dependency order, proxies right after the services behind them: the app needs them to start.
        for wave in world.spec.waves():
            for service in wave:
                if not _answers(world, service.name, client):
                    world.resume(service.name)
                    if not _answers(world, service.name, client):
                        world.restart(service.name)
            if world.spec.proxy_server in {service.name for service in wave}:
                _clean_proxies(world, client)
        for provider in PROVIDERS:
            client.post(f"{world.endpoints[provider].url}/_control/reset")


def _clean_proxies(world: LocalWorld, client: httpx.Client) -> None:
    api = world.endpoints[world.spec.proxy_server].url
    for name, proxy in client.get(f"{api}/proxies").json().items():
        if not proxy["enabled"]:
            client.post(f"{api}/proxies/{name}", json={"enabled": True})
        for toxic in proxy["toxics"]:
            client.delete(f"{api}/proxies/{name}/toxics/{toxic['name']}")


def _answers(world: LocalWorld, service: str, client: httpx.Client) -> bool:
    """The service's health check, on one shared client (a client each would cost more than the check)."""
    spec = world.spec.service(service)
    if spec.health.kind is not HealthKind.HTTP:
        return world.healthy(service)
    try:
        return client.get(f"{world.endpoints[service].url}{spec.health.path}").status_code == 200
    except httpx.HTTPError:
        return False
