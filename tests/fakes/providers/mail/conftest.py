"""The mail provider in-process."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from fakes.kit.clock import ScaledClock
from fakes.providers.mail import create_app, mail_state
from fakes.providers.outbox import Outbox


@pytest.fixture
def state(clock: ScaledClock) -> Outbox:
    return mail_state("key-1", clock, seed=0)


@pytest.fixture
async def client(state: Outbox) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=create_app(state))
    async with httpx.AsyncClient(transport=transport, base_url="http://mail") as client:
        yield client
