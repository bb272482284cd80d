"""Deploy faults: the app redeployed at another version (and settings), and rolled back."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

from drills.faults import inject
from drills.runtimes.local.world import LocalWorld
from drills.scenario.kinds import Fault
from drills.world.context import DrillContext

pytestmark = pytest.mark.world

MakeFault = Callable[..., Fault]


def _version(world: LocalWorld) -> str:
    answer = httpx.get(f"{world.endpoints['app'].url}/api/v1/health", timeout=5).json()
    return str(answer["version"])


def test_deploy_fault_runs_the_bad_version_until_rolled_back(
    world: LocalWorld, context: DrillContext, make_fault: MakeFault
) -> None:
    original = dict(world.settings("app"))
    active = inject(make_fault(id="bad-release", kind="deploy", version="2.0.0-bad"), context)
    during = (_version(world), world.settings("app")["APP_VERSION"])
    active.revert()
    assert (during, _version(world), dict(world.settings("app"))) == (("2.0.0-bad", "2.0.0-bad"), "1.0.0", original)


def test_deploy_fault_changes_settings_along_with_the_version(
    world: LocalWorld, context: DrillContext, make_fault: MakeFault
) -> None:
    original = dict(world.settings("app"))
    fault = make_fault(id="bad-release", kind="deploy", version="2.1.0", settings={"DB_POOL_SIZE": 1})
    active = inject(fault, context)
    during = {key: world.settings("app").get(key) for key in ("APP_VERSION", "DB_POOL_SIZE")}
    active.revert()
    assert (active.describe(), during, dict(world.settings("app"))) == (
        "app deployed at version 2.1.0 with DB_POOL_SIZE changed",
        {"APP_VERSION": "2.1.0", "DB_POOL_SIZE": "1"},
        original,
    )
