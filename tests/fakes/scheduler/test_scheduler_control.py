"""The scheduler's control API: health, its recent ticks, and firing the current slot by hand."""

from __future__ import annotations

import httpx
import pytest

from fakes.kit.clock import ManualWall, ScaledClock
from fakes.scheduler import SchedulerState, Tick, create_app

pytestmark = pytest.mark.anyio

FIRST_SLOT = 1_700_000_100.0


def answering(status: int) -> httpx.MockTransport:
    return httpx.MockTransport(
        lambda request: httpx.Response(status, json={"due": 1, "sent": 1, "failed": 0, "skipped": 0})
    )


async def control(state: SchedulerState, method: str, path: str) -> httpx.Response:
    transport = httpx.ASGITransport(app=create_app(state))
    async with httpx.AsyncClient(transport=transport, base_url="http://scheduler") as client:
        return await client.request(method, path)


async def test_scheduler_health_answers_ok_once_started(clock: ScaledClock) -> None:
    state = SchedulerState("http://app.test", "s", clock, catch_up=True)
    starting = await control(state, "GET", "/_control/health")
    state.started = True
    started = await control(state, "GET", "/_control/health")

    assert (starting.status_code, starting.json()) == (
        503,
        {"status": "starting", "detail": "catching up on the slot under way"},
    )
    assert (started.status_code, started.json()) == (200, {"status": "ok"})


async def test_scheduler_state_shows_config_and_recent_ticks(clock: ScaledClock) -> None:
    state = SchedulerState("http://app.test", "s", clock, tick_interval=900, timeout=2.0)
    state.ticks.append(Tick(FIRST_SLOT, FIRST_SLOT + 0.5, 403))
    state.ticks.append(Tick(FIRST_SLOT + 900, FIRST_SLOT + 900, None, error="timeout", detail="no answer"))
    state.next_slot, state.skipped = FIRST_SLOT + 1800, 0

    answer = await control(state, "GET", "/_control/state")

    assert answer.json() == {
        "app_url": "http://app.test",
        "tick_interval": 900,
        "timeout": 2.0,
        "catch_up": False,
        "next_slot": "2023-11-14T22:45:00Z",
        "skipped": 0,
        "ticks": [
            {
                "slot": "2023-11-14T22:15:00Z",
                "at": "2023-11-14T22:15:00.500Z",
                "status": 403,
                "runs": None,
                "error": None,
            },
            {
                "slot": "2023-11-14T22:30:00Z",
                "at": "2023-11-14T22:30:00Z",
                "status": None,
                "runs": None,
                "error": "timeout",
            },
        ],
    }


async def test_scheduler_state_keeps_the_last_100_ticks(clock: ScaledClock) -> None:
    state = SchedulerState("http://app.test", "s", clock)
    for number in range(150):
        state.ticks.append(Tick(number * 900.0, number * 900.0, 200))

    ticks = (await control(state, "GET", "/_control/state")).json()["ticks"]

    assert (len(ticks), ticks[0]["slot"]) == (100, "1970-01-01T12:30:00Z")


async def test_scheduler_fire_calls_the_app_for_the_current_slot(clock: ScaledClock, wall: ManualWall) -> None:
    state = SchedulerState("http://app.test", "s", clock, transport=answering(200))
    wall.advance(250)

    answer = await control(state, "POST", "/_control/fire")

    assert answer.json() == {
        "slot": "2023-11-14T22:15:00Z",
        "at": "2023-11-14T22:17:30Z",
        "status": 200,
        "runs": 1,
        "error": None,
    }
    assert list(state.ticks) == [Tick(FIRST_SLOT, FIRST_SLOT + 150, 200, runs=1)]


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        (b"[" * 100_000 + b"]" * 100_000, "the body nests arrays and objects deeper than 64 levels"),
        (b" " * (1024 * 1024 + 1), "the body is larger than 1048576 bytes"),
    ],
)
async def test_scheduler_fire_with_a_body_too_deep_or_too_large_is_400_and_fires_nothing(
    clock: ScaledClock, body: bytes, detail: str
) -> None:
    state = SchedulerState("http://app.test", "s", clock, transport=answering(200))
    transport = httpx.ASGITransport(app=create_app(state))

    async with httpx.AsyncClient(transport=transport, base_url="http://scheduler") as client:
        answer = await client.post("/_control/fire", content=body)

    assert (answer.status_code, answer.json()) == (400, {"error": "invalid_request", "detail": detail})
    assert list(state.ticks) == []
