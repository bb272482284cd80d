"""How the local runtime starts and checks each kind of service: the command, its environment, its health."""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import httpx

from drills.runtimes.local import postgres, redis
from drills.runtimes.local.processes import RunAs
from drills.world.binaries import Binary
from drills.world.protocol import Endpoint
from drills.world.spec import HealthKind, ServiceKind, ServiceSpec
from drills.world.targets import LOOPBACK

# What a service inherits from the harness's environment; everything else comes from the spec.
INHERITED = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "PYTHONPATH", "VIRTUAL_ENV")


@dataclass(frozen=True)
class Servers:
    """The server binaries this machine has, and the account they run as."""

    postgres_bin: Path
    redis: Binary
    account: RunAs | None


@dataclass(frozen=True)
class Launch:
    """Everything needed to start one service once."""

    argv: list[str]
    env: dict[str, str]
    run_as: RunAs | None = None


def endpoint(service: ServiceSpec, port: int, secrets: Mapping[str, str], host: str = LOOPBACK) -> Endpoint:
    """The service's address, with a URL of its own scheme (and credentials where it needs them)."""
    if service.kind is ServiceKind.POSTGRES:
        return Endpoint(host, port, postgres.url(host, port, secrets["postgres_password"]))
    if service.kind is ServiceKind.REDIS:
        return Endpoint(host, port, redis.url(host, port, secrets["redis_password"]))
    return Endpoint(host, port, f"http://{host}:{port}")


def base_env() -> dict[str, str]:
    env = {name: os.environ[name] for name in INHERITED if name in os.environ}
    env["PYTHONUNBUFFERED"] = "1"
    return env


def launch(service: ServiceSpec, port: int, settings: Mapping[str, str], servers: Servers, work: Path) -> Launch:
    if service.kind is ServiceKind.POSTGRES:
        install = postgres.PostgresInstall(servers.postgres_bin, work / "data", servers.account)
        return Launch(install.argv(LOOPBACK, port), base_env(), servers.account)
    if service.kind is ServiceKind.REDIS:
        work.mkdir(parents=True, exist_ok=True)
        argv = redis.argv(servers.redis, LOOPBACK, port, settings["REDIS_PASSWORD"], work)
        return Launch(argv, base_env())
    if service.module is None:
        raise ValueError(f"service {service.name} is a Python service without a module")
    argv = [sys.executable, "-m", service.module, "--host", LOOPBACK, "--port", str(port)]
    return Launch(argv, {**base_env(), **settings})


def healthy(service: ServiceSpec, address: Endpoint, secrets: Mapping[str, str]) -> bool:
    """One health check; never raises, never waits more than about a second."""
    kind = service.health.kind
    if kind is HealthKind.POSTGRES:
        return postgres.ready(address.host, address.port, secrets["postgres_password"])
    if kind is HealthKind.REDIS:
        return redis.ready(address.host, address.port, secrets["redis_password"])
    try:
        answer = httpx.get(f"{address.url}{service.health.path}", timeout=1.0)
    except httpx.HTTPError:
        return False
    return answer.status_code == 200
