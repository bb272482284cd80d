"""Fixtures for the booking app's tests: the app on this test's database and Redis (tests/fakes)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.fakes.bookings.bookingsworld import BookingsApp, StartApp, running, settings_for
from tests.fakes.kit.appworld import Providers, starter


@pytest.fixture
def start_app(world_urls: dict[str, str], providers: Providers) -> StartApp:
    """Starts the app on this test's servers; keyword arguments override its settings."""
    return starter(running, settings_for, world_urls, providers)


@pytest.fixture
async def app(start_app: StartApp) -> AsyncIterator[BookingsApp]:
    """The app with five customers and the services, started."""
    async with start_app() as running_app:
        yield running_app
