"""The messaging provider in-process."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from fakes.kit.clock import ScaledClock
from fakes.providers.messaging import create_app, messaging_state
from fakes.providers.outbox import Outbox


@pytest.fixture
def state(clock: ScaledClock) -> Outbox:
    return messaging_state("key-1", clock, seed=0)


@pytest.fixture
async def client(state: Outbox) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=create_app(state))
    async with httpx.AsyncClient(transport=transport, base_url="http://messaging") as client:
        yield client
