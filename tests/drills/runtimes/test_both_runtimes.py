"""Both runtimes derive the same world from the world file, product by product: the same services, started in the
same order, with the same settings (only the addresses differ) and the same proxies."""

from __future__ import annotations

from pathlib import Path

import pytest

from drills.runtimes.docker.plan import plan
from drills.runtimes.local.world import local_environment
from drills.world.protocol import WorldOptions
from drills.world.spec import WorldSpec
from drills.world.variables import make_secrets, map_addresses, world_variables
from drills.world.worlds import world_file, world_spec

ROOT = Path(__file__).resolve().parents[3]
PRODUCTS = world_file().products
CLOCK = "DRILLBIT_CLOCK"
"""The one variable whose value is a path, which each runtime gives as its services see it."""


def loopback(spec: WorldSpec) -> dict[str, str]:
    """Each address on the world's network, as the local runtime would map it: a distinct loopback port each."""
    found: dict[str, str] = {}
    for index, service in enumerate(spec.services):
        if service.port is not None:
            found |= {
                f"{name}:{service.port}": f"127.0.0.1:{41000 + index}" for name in (service.name, *service.aliases)
            }
    server = spec.service(spec.proxy_server)
    for index, proxy in enumerate(spec.proxies):
        found |= {f"{name}:{proxy.listen}": f"127.0.0.1:{42000 + index}" for name in (server.name, *server.aliases)}
    return found


@pytest.mark.parametrize("product", PRODUCTS)
def test_both_runtimes_derive_the_same_world(product: str, tmp_path: Path) -> None:
    spec = world_spec(product)
    variables = world_variables(WorldOptions(), 1.0e9, make_secrets(spec), clock=str(tmp_path / "c"), name="w-1")
    docker = plan(spec, variables, name="w-1", project=ROOT, clock=tmp_path, user=None)
    addresses = loopback(spec)

    assert [container.service for container in docker.containers] == list(spec.names())
    assert docker.waves == tuple(tuple(service.name for service in wave) for wave in spec.waves())
    for container in docker.containers:
        local = local_environment(spec.service(container.service), variables, addresses)
        as_docker = {key: map_addresses(value, addresses) for key, value in container.environment.items()}
        assert {k: v for k, v in as_docker.items() if k != CLOCK} == {k: v for k, v in local.items() if k != CLOCK}
        assert container.aliases == (container.service, *spec.service(container.service).aliases)
    ports = {service.name: service.port for service in spec.services}
    assert [(proxy.name, proxy.upstream) for proxy in docker.proxies] == [
        (proxy.name, f"{proxy.upstream}:{ports[proxy.upstream]}") for proxy in spec.proxies
    ]
    assert {proxy.name for proxy in docker.proxies} == {proxy.name for proxy in spec.proxies}
