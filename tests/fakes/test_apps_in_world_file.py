"""Each product's app as the world file (docker-compose.yml) declares it: it reads exactly the settings declared,
the environment written for it is enough to start it, and its addresses go through the world's proxy server."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from typing import Any

import httpx
import pytest
import yaml

from tests.fakes.fake_processes import REPOSITORY, running

WORLD_FILE = yaml.safe_load((REPOSITORY / "docker-compose.yml").read_text())
SERVICES: dict[str, Any] = WORLD_FILE["services"]
PRODUCTS = {
    "reports": "scheduled-reports",
    "vouchers": "vouchers",
    "bookings": "bookings",
    "clubs": "clubs",
    "portal": "portal",
}
"""Each app's Compose service, and the world (profile) it is the app of."""
PROXIES: dict[str, Any] = SERVICES["toxiproxy"]["x-drillbit"]["proxies"]
NOBODY = "http://127.0.0.1:9"
"""Where a provider's address leads in these tests: nothing answers there."""


def environment(service: dict[str, Any], database_url: str, redis_url: str) -> dict[str, str]:
    """What the world file gives the app, its world variables and addresses filled in for this test: Postgres and
    Redis are the test's servers, every other address leads nowhere, every secret is made up."""
    given: dict[str, str] = {}
    for name, value in service["environment"].items():
        if name.startswith("DRILLBIT_"):
            continue  # the world's clock and seed: the process helper sets its own
        if value.startswith("postgresql://"):
            given[name] = database_url
        elif value.startswith("redis://"):
            given[name] = redis_url
        else:
            filled = re.sub(r"\$\{([A-Z_]+)(:-([^}]*))?\}", lambda found: found[3] or f"{found[1].lower()}-x", value)
            given[name] = re.sub(r"^http://toxiproxy:\d+$", NOBODY, filled)
    return given


def declared(service: dict[str, Any]) -> list[str]:
    return sorted(service["x-drillbit"]["settings"])


def test_world_file_has_one_app_per_product_each_in_its_world() -> None:
    apps = {name: service for name, service in SERVICES.items() if service.get("x-drillbit", {}).get("name") == "app"}
    assert {name: (app["profiles"], app["x-drillbit"]["run"]["module"]) for name, app in apps.items()} == {
        name: ([world], f"fakes.{name}") for name, world in PRODUCTS.items()
    }
    assert sorted(WORLD_FILE["x-drillbit"]["worlds"]) == sorted(PRODUCTS.values())


@pytest.mark.parametrize("name", sorted(PRODUCTS))
def test_app_reads_exactly_the_settings_its_world_file_declares(name: str) -> None:
    service = SERVICES[name]
    env = {key: value for key, value in os.environ.items() if key not in declared(service)}
    done = subprocess.run(
        [sys.executable, "-m", "tests.drills.world.environment_reads", f"fakes.{name}", "--host", "127.0.0.1"],
        cwd=REPOSITORY,
        env={**env, **environment(service, "postgresql://db/app", "redis://cache/0")},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert json.loads(done.stdout.splitlines()[-1]) == {"exit": 0, "read": declared(service)}, done.stderr


@pytest.mark.parametrize("name", sorted(PRODUCTS))
def test_app_addresses_go_through_proxies_to_services_it_depends_on(name: str) -> None:
    service = SERVICES[name]
    ports = {int(proxy["listen"]): proxy["upstream"].split(":")[0] for proxy in PROXIES.values()}
    reached = {
        ports[int(port)]
        for value in service["environment"].values()
        for port in re.findall(r"@?toxiproxy:(\d+)", str(value))
    }
    assert (reached | {"toxiproxy"}) == set(service["depends_on"])
    assert all(set(SERVICES[upstream]["profiles"]) >= set(service["profiles"]) for upstream in reached)


@pytest.mark.world
@pytest.mark.parametrize("name", sorted(PRODUCTS))
def test_app_starts_and_is_healthy_with_its_world_file_environment(
    name: str, database_url: str, app_redis_url: str
) -> None:
    with running(f"fakes.{name}", environment(SERVICES[name], database_url, app_redis_url)) as base_url:
        health = httpx.get(f"{base_url}/api/v1/health", timeout=5.0)
        ready = httpx.get(f"{base_url}/api/v1/ready", timeout=5.0)
    assert (health.status_code, health.json()["checks"], ready.json()) == (
        200,
        {"db": {"status": "ok"}, "cache": {"status": "ok"}},
        {"status": "ready"},
    )
