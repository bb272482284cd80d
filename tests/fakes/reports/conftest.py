"""Fixtures for the scheduled-report app's tests: the app on this test's database and Redis (tests/fakes)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.fakes.kit.appworld import Providers, starter
from tests.fakes.reports.reportsworld import ReportsApp, StartApp, running, settings_for


@pytest.fixture
def start_app(world_urls: dict[str, str], providers: Providers) -> StartApp:
    """Starts the app on this test's servers; keyword arguments override its settings."""
    return starter(running, settings_for, world_urls, providers)


@pytest.fixture
async def app(start_app: StartApp) -> AsyncIterator[ReportsApp]:
    """The app with three tenants, started and connected."""
    async with start_app() as running_app:
        yield running_app
