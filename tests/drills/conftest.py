"""Worlds under test keep their files in a folder of their own, readable by the servers' account."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from drills.world.home import default_home


@pytest.fixture
def drillbit_home(monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    home = Path(tempfile.mkdtemp(prefix="drillbit-test-", dir=default_home().parent))
    home.chmod(0o755)
    monkeypatch.setenv("DRILLBIT_HOME", str(home))
    yield home
    shutil.rmtree(home, ignore_errors=True)


@pytest.fixture(scope="module")
def deploy_home() -> Iterator[Path]:
    """A DRILLBIT_HOME for a module's world, so a deploy-tool command finds that world's session and no other."""
    home = Path(tempfile.mkdtemp(prefix="drillbit-deploy-", dir=default_home().parent))
    home.chmod(0o755)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DRILLBIT_HOME", str(home))
        yield home
    shutil.rmtree(home, ignore_errors=True)
