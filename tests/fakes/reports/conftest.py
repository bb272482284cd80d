"""Fixtures for the app's tests: a fresh database per test, Redis emptied of the app's keys, the providers."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager
from typing import Any

import pytest
import redis

from fakes.reports.cache import KEY_PREFIX
from tests.fakes.reports.appworld import Providers, RunningApp, StartApp, running, settings_for


@pytest.fixture
def database_url(make_database: Callable[[], str]) -> str:
    """A database of the test's own on the real server."""
    return make_database()


@pytest.fixture
def app_redis_url(redis_url: str) -> str:
    """The real Redis, without any key the app left there in an earlier test."""
    client = redis.Redis.from_url(redis_url, socket_timeout=5)
    for key in client.scan_iter(match=KEY_PREFIX + "*"):
        client.delete(key)
    client.close()
    return redis_url


@pytest.fixture
def providers() -> Providers:
    return Providers()


@pytest.fixture
def start_app(database_url: str, app_redis_url: str, providers: Providers) -> StartApp:
    """Starts the app on this test's database; keyword arguments override its settings."""

    def start(**overrides: Any) -> AbstractAsyncContextManager[RunningApp]:
        return running(
            settings_for(**{"database_url": database_url, "redis_url": app_redis_url, **overrides}), providers
        )

    return start


@pytest.fixture
async def app(start_app: StartApp) -> AsyncIterator[RunningApp]:
    """The app with three tenants, started and connected."""
    async with start_app() as running_app:
        yield running_app
