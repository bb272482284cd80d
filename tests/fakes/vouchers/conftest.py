"""Fixtures for the voucher app's tests: the app on this test's database and Redis (tests/fakes)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.fakes.kit.appworld import Providers, starter
from tests.fakes.vouchers.vouchersworld import StartApp, VouchersApp, running, settings_for


@pytest.fixture
def start_app(world_urls: dict[str, str], providers: Providers) -> StartApp:
    """Starts the app on this test's servers; keyword arguments override its settings."""
    return starter(running, settings_for, world_urls, providers)


@pytest.fixture
async def app(start_app: StartApp) -> AsyncIterator[VouchersApp]:
    """The app, its dispatcher's loop set to an hour so that only a test ticks it."""
    async with start_app(dispatch_interval=3600.0) as running_app:
        yield running_app
