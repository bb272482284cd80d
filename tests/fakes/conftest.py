"""Fixtures for every fake's tests: the asyncio backend, a wall clock moved by hand, and for the apps a fresh
database per test, Redis emptied of the apps' keys, and the provider fakes."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import redis

from fakes.kit.cache import KEY_PREFIX
from fakes.kit.clock import ManualWall, ScaledClock
from tests.fakes.kit.appworld import Providers

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


@pytest.fixture
def database_url(make_database: Callable[[], str]) -> str:
    """A database of the test's own on the real server."""
    return make_database()


@pytest.fixture
def app_redis_url(redis_url: str) -> str:
    """The real Redis, without any key an app left there in an earlier test."""
    client = redis.Redis.from_url(redis_url, socket_timeout=5)
    for key in client.scan_iter(match=KEY_PREFIX + "*"):
        client.delete(key)
    client.close()
    return redis_url


@pytest.fixture
def world_urls(database_url: str, app_redis_url: str) -> dict[str, str]:
    """An app's ``database_url`` and ``redis_url`` settings, for the servers of this test."""
    return {"database_url": database_url, "redis_url": app_redis_url}


@pytest.fixture
def providers() -> Providers:
    return Providers()
