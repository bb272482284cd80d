"""The deploy tool's worlds live in a DRILLBIT_HOME of their own, so a command finds their sessions and no other."""

from __future__ import annotations

from pathlib import Path

import pytest

from drills.world.protocol import World


@pytest.fixture(scope="module")
def world(deploy_home: Path, world: World) -> World:
    """The plugin's reference world of the module, brought up under the module's own DRILLBIT_HOME."""
    return world
