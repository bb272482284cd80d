"""What the docker runtime's engine tests share: the project's folder, a small world, and reading the engine."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from drills.runtimes.docker.containers import WORLD_LABEL
from drills.world.spec import WorldSpec
from tests.drills.runtimes.docker.scheduled_reports import scheduled_reports

ROOT = Path(__file__).parents[4]
"""The project: its Dockerfile builds the fakes' image."""
WAIT_S = 60.0


def small_world() -> WorldSpec:
    """Postgres, Redis, Toxiproxy and one fake, with a proxy in front of Postgres and of the fake."""
    full = scheduled_reports()
    services = tuple(s for s in full.services if s.name in ("postgres", "redis", "toxiproxy", "mail"))
    proxies = tuple(p for p in full.proxies if p.name in ("postgres", "mail"))
    return replace(full, services=services, proxies=proxies)


def engine() -> Any:
    """The Docker SDK's client, to look at the engine from outside the world."""
    import docker

    return docker.from_env()


def labelled(world: str) -> list[str]:
    """The names of the containers of the world called ``world`` that the engine still has."""
    client = engine()
    try:
        found = client.containers.list(all=True, filters={"label": f"{WORLD_LABEL}={world}"})
        return sorted(container.name for container in found)
    finally:
        client.close()


def environment(container_name: str) -> dict[str, str]:
    """A container's environment, as the engine holds it."""
    client = engine()
    try:
        pairs = client.containers.get(container_name).attrs["Config"]["Env"]
        return dict(pair.split("=", 1) for pair in pairs)
    finally:
        client.close()


def eventually(condition: Callable[[], bool], timeout: float = WAIT_S) -> bool:
    """Whether ``condition`` holds within ``timeout`` seconds, asked every tenth of a second."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True
