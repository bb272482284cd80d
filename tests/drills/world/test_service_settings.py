"""Each service of the reference world declares exactly the settings its process reads."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path
from types import SimpleNamespace

import pytest

from drills.runtimes.local.drivers import driver_for
from drills.runtimes.local.launch import Servers, base_env
from drills.world.binaries import Binary
from drills.world.protocol import Endpoint, resolve
from drills.world.spec import ServiceKind, ServiceSpec
from drills.world.worlds import world_spec

SECRET_NAMES = [name.lower() for name in world_spec().secrets]

ROOT = Path(__file__).resolve().parents[3]
WORLD = world_spec()
PROGRAMS = [service for service in WORLD.services if service.kind is ServiceKind.PYTHON]
SERVERS = [service for service in WORLD.services if service.kind is not ServiceKind.PYTHON]
SECRETS = {name: f"{name.split('_')[0]}-0123456789abcdef" for name in SECRET_NAMES}


def _endpoint(url: str) -> Endpoint:
    return Endpoint("127.0.0.1", 9, url)


def _given(service: ServiceSpec, folder: Path) -> dict[str, str]:
    """The environment the world gives the service, its references filled in with values of the right shape."""
    http = SimpleNamespace(**{name: _endpoint("http://127.0.0.1:9") for name in WORLD.names()})
    proxies = SimpleNamespace(
        **{
            **vars(http),
            "postgres": _endpoint(f"postgresql://postgres:{SECRETS['postgres_password']}@127.0.0.1:9/drillbit"),
            "redis": _endpoint(f"redis://default:{SECRETS['redis_password']}@127.0.0.1:9/0"),
        }
    )
    world = SimpleNamespace(seed=7, time_scale=600, tenants=3, epoch=1.0e9, clock=folder / "clock.json")
    names = {"world": world, "services": http, "proxies": proxies, "secrets": SimpleNamespace(**SECRETS)}
    return {key: resolve(value, names) for key, value in service.env.items()}


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
