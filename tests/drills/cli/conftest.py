"""The deploy tool's worlds live in a DRILLBIT_HOME of their own, so a command finds their sessions and no other;
each test's commands keep their cache (`drillbit list`'s rows) in a folder of the test's own."""

from __future__ import annotations

from pathlib import Path

import pytest

from drills.world.protocol import World


@pytest.fixture(scope="module")
def world(deploy_home: Path, world: World) -> World:
    """The plugin's reference world of the module, brought up under the module's own DRILLBIT_HOME."""
    return world


@pytest.fixture(autouse=True)
def own_cache(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    cache = tmp_path / "cache"
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache))
    return cache
