"""Fixtures for the kit's tests: an app of nothing but the kit, on this test's database and Redis."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from fakes.kit.state import KitState
from tests.fakes.kit.appworld import Providers, RunningApp, StartApp, running, settings_for, starter


@pytest.fixture
def start_app(world_urls: dict[str, str], providers: Providers) -> StartApp:
    return starter(running, settings_for, world_urls, providers)


@pytest.fixture
async def app(start_app: StartApp) -> AsyncIterator[RunningApp[KitState]]:
    async with start_app() as running_app:
        yield running_app
