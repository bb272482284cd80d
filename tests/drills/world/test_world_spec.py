"""The world spec orders services by their dependencies."""

from __future__ import annotations

import pytest

from drills.world.spec import HealthCheck, HealthKind, ServiceKind, ServiceSpec, WorldSpec
from drills.world.worlds import world_file, world_spec


def _service(name: str, *depends_on: str) -> ServiceSpec:
    return ServiceSpec(name, ServiceKind.PYTHON, HealthCheck(HealthKind.HTTP), module="m", depends_on=depends_on)


def test_waves_start_a_service_after_everything_it_depends_on() -> None:
    spec = WorldSpec(services=(_service("c", "a", "b"), _service("a"), _service("b", "a")))
    assert [[s.name for s in wave] for wave in spec.waves()] == [["a"], ["b"], ["c"]]


def test_waves_refuse_a_dependency_cycle() -> None:
    spec = WorldSpec(services=(_service("a", "b"), _service("b", "a")))
    with pytest.raises(ValueError, match="cycle among: a, b"):
        spec.waves()


def test_scheduled_reports_world_starts_dependencies_then_app_then_scheduler() -> None:
    waves = [sorted(s.name for s in wave) for wave in world_spec("scheduled-reports").waves()]
    assert waves == [
        ["mail", "postgres", "redis", "timetracking", "toxiproxy"],
        ["app"],
        ["scheduler"],
    ]


@pytest.mark.parametrize("product", world_file().products)
def test_each_world_proxies_every_dependency_of_its_app(product: str) -> None:
    world = world_spec(product)
    proxied = {proxy.name for proxy in world.proxies}
    app_dependencies = set(world.service("app").depends_on) - {"toxiproxy"}
    assert proxied == app_dependencies
