"""Fixtures for every fake's tests: the asyncio backend, and a wall clock moved by hand."""

from __future__ import annotations

import pytest

from fakes.kit.clock import ManualWall, ScaledClock

# 100 scenario seconds before a 900-second slot boundary.
EPOCH = 1_700_000_000.0


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def wall() -> ManualWall:
    return ManualWall(EPOCH)


@pytest.fixture
def clock(wall: ManualWall) -> ScaledClock:
    """Scenario time equal to wall time (scale 1), starting at ``EPOCH``."""
    return ScaledClock(scale=1.0, epoch=EPOCH, wall=wall)
