"""A local world's processes and files: each process carries the world's tag, and the world's folder is its own."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from drills.runtimes.local.runtime import LocalRuntime
from drills.runtimes.local.world import LocalWorld
from drills.world.protocol import WorldOptions
from drills.world.reference import reference_world
from drills.world.spec import WorldSpec

pytestmark = pytest.mark.world

# One service of each driver: Postgres, Redis and a Python fake.
SPEC = WorldSpec(services=tuple(s for s in reference_world().services if s.name in ("postgres", "redis", "mail")))


@pytest.fixture(scope="module")
def world() -> Iterator[LocalWorld]:
    home = Path(tempfile.mkdtemp(prefix="drillbit-world-"))
    home.chmod(0o755)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DRILLBIT_HOME", str(home))
        world = LocalRuntime().up(SPEC, WorldOptions())
        yield world
        world.teardown()
    shutil.rmtree(home, ignore_errors=True)


def environment(pid: int) -> dict[str, str]:
    variables = Path(f"/proc/{pid}/environ").read_bytes().decode(errors="replace").split("\0")
    return dict(variable.partition("=")[::2] for variable in variables if "=" in variable)


def test_local_world_every_process_carries_the_world_tag(world: LocalWorld) -> None:
    tags = {name: environment(process.pid).get("DRILLBIT_WORLD_DIR") for name, process in world.processes.items()}

    assert tags == dict.fromkeys(("postgres", "redis", "mail"), str(world.directory))
