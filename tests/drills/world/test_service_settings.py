"""Each service of the world file declares exactly the settings its process reads."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest

from drills.runtimes.local.drivers import driver_for
from drills.runtimes.local.launch import Servers, base_env
from drills.world.binaries import Binary
from drills.world.spec import ServiceKind, ServiceSpec
from drills.world.variables import interpolate, map_addresses
from drills.world.worlds import world_spec

SECRET_NAMES = [name.lower() for name in world_spec().secrets]

ROOT = Path(__file__).resolve().parents[3]
WORLD = world_spec()
PROGRAMS = [service for service in WORLD.services if service.kind is ServiceKind.PYTHON]
SERVERS = [service for service in WORLD.services if service.kind is not ServiceKind.PYTHON]
SECRETS = {name: f"{name.split('_')[0]}-0123456789abcdef" for name in SECRET_NAMES}


def _given(service: ServiceSpec, folder: Path) -> dict[str, str]:
    """The environment the world gives the service, its variables and addresses filled in with values of the right
    shape."""
    variables = {
        **{name.upper(): value for name, value in SECRETS.items()},
        "DRILLBIT_TIME_SCALE": "600",
        "DRILLBIT_EPOCH": "1000000000.0",
        "DRILLBIT_CLOCK": str(folder / "clock.json"),
        "DRILLBIT_SEED": "7",
        "DRILLBIT_TENANTS": "3",
        "DRILLBIT_WORLD": "world-0123abcd",
    }
    addresses = {
        f"{name}:{other.port}": "127.0.0.1:9"
        for other in WORLD.services
        if other.port is not None
        for name in (other.name, *other.aliases)
    }
    addresses |= {f"{WORLD.proxy_server}:{proxy.listen}": "127.0.0.1:9" for proxy in WORLD.proxies}
    return {key: map_addresses(interpolate(value, variables), addresses) for key, value in service.env.items()}


def _read_by(service: ServiceSpec, env: Mapping[str, str]) -> tuple[object, list[str]]:
    """Runs the service's module as the world does, up to where it would serve: its exit code and what it read."""
    assert service.module is not None
    done = subprocess.run(
        [sys.executable, "-m", "tests.drills.world.environment_reads", service.module, "--host", "127.0.0.1"],
        cwd=ROOT,
        env={**base_env(), **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.stdout, done.stderr
    found = json.loads(done.stdout.splitlines()[-1])
    return found["exit"], found["read"]


@pytest.mark.parametrize("service", PROGRAMS, ids=lambda service: service.name)
def test_service_declares_every_environment_variable_its_program_reads(service: ServiceSpec, tmp_path: Path) -> None:
    assert _read_by(service, _given(service, tmp_path)) == (0, sorted(service.setting_names()))


class _Reading(Mapping[str, str]):
    """Settings that remember every name looked up in them."""

    def __init__(self, values: Mapping[str, str]) -> None:
        self.given = dict(values)
        self.read: set[str] = set()

    def __getitem__(self, key: str) -> str:
        self.read.add(key)
        return self.given[key]

    def __iter__(self) -> Iterator[str]:
        raise AssertionError("a driver reads the settings it knows, by name")

    def __len__(self) -> int:
        return len(self.given)


@pytest.mark.parametrize("service", SERVERS, ids=lambda service: service.name)
def test_server_declares_every_setting_its_driver_starts_it_with(service: ServiceSpec, tmp_path: Path) -> None:
    driver = driver_for(service.kind)
    settings = _Reading(driver.settings({}, SECRETS))
    servers = Servers(tmp_path / "bin", Binary("redis-server", tmp_path / "redis-server", "7.2.4", "test"), None)
    driver.launch(service, 9, settings, servers, tmp_path / service.name)
    assert sorted(settings.read) == sorted(service.setting_names())
