"""The deploy tool's worlds live in a DRILLBIT_HOME of their own, so a command finds their sessions and no other;
each test's commands keep their cache (`drillbit list`'s rows) in a folder of the test's own, beside tmp_path, and
share the Postgres templates of the user's cache (made once, the same for every test)."""

from __future__ import annotations

from pathlib import Path

import pytest

from drills.runtimes.local.drivers.postgres_template import templates_root
from drills.world.protocol import World


@pytest.fixture(scope="module")
def world(deploy_home: Path, world: World) -> World:
    """The plugin's reference world of the module, brought up under the module's own DRILLBIT_HOME."""
    return world


@pytest.fixture(autouse=True)
def own_cache(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> Path:
    shared = templates_root()
    shared.mkdir(parents=True, exist_ok=True)
    cache = tmp_path_factory.mktemp("cache")
    (cache / "drillbit").mkdir()
    (cache / "drillbit" / shared.name).symlink_to(shared, target_is_directory=True)
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache))
    return cache
