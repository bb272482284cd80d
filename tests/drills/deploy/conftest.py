"""The deploy tool's worlds live in a DRILLBIT_HOME of their own, so a command finds their sessions and no other."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from drills.world.protocol import World


@pytest.fixture(scope="module")
def deploy_home() -> Iterator[Path]:
    home = Path(tempfile.mkdtemp(prefix="drillbit-deploy-"))
    home.chmod(0o755)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DRILLBIT_HOME", str(home))
        yield home
    shutil.rmtree(home, ignore_errors=True)


@pytest.fixture(scope="module")
def world(deploy_home: Path, world: World) -> World:
    """The plugin's reference world of the module, brought up under the module's own DRILLBIT_HOME."""
    return world
