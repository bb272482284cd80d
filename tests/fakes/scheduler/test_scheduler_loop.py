"""The scheduler's loop: slots at fixed boundaries, each call timed out, every outcome recorded and logged."""

from __future__ import annotations

import asyncio
import json

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from fakes.kit.clock import ManualWall, ScaledClock
from fakes.scheduler import SchedulerState, Tick
from fakes.scheduler.loop import call, due_slot, next_slot, run, runs_of, tick, tick_line

pytestmark = pytest.mark.anyio

FIRST_SLOT = 1_700_000_100.0  # the first multiple of 900 after the epoch of the conftest clock
Calls = list[tuple[float, httpx.Request]]


class Enough(Exception):
    """Stops the endless loop once a test has seen what it needs."""


def scheduler(clock: ScaledClock, handler: httpx.MockTransport | httpx.ASGITransport) -> SchedulerState:
    return SchedulerState("http://app.test", "shh", clock, tick_interval=900, timeout=5.0, transport=handler)


def recording(calls: Calls, clock: ScaledClock, wall: ManualWall, takes: float = 0.0) -> httpx.MockTransport:
    """An app that answers two runs (one sent, one failed); its first answer takes ``takes`` wall seconds."""

    def handle(request: httpx.Request) -> httpx.Response:
        calls.append((clock.now(), request))
        wall.advance(takes if len(calls) == 1 else 0.0)
        return httpx.Response(200, json={"due": 2, "sent": 1, "failed": 1, "skipped": 0})

    return httpx.MockTransport(handle)


async def run_until(state: SchedulerState, wall: ManualWall, ticks: int, log: list[str]) -> None:
    async def sleep(seconds: float) -> None:
        if len(state.ticks) >= ticks:
            raise Enough
        wall.advance(seconds)

    with pytest.raises(Enough):
        await run(state, sleep=sleep, log=log.append)


def test_scheduler_next_slot_is_the_first_boundary_after_now() -> None:
    assert [next_slot(now, 900) for now in (0.0, 899.9, 900.0, 901.0)] == [900.0, 900.0, 1800.0, 1800.0]


def test_scheduler_due_slot_is_the_latest_boundary_at_or_before_now() -> None:
    assert [due_slot(now, 900) for now in (0.0, 899.9, 900.0, 1799.0)] == [0.0, 0.0, 900.0, 900.0]


async def test_scheduler_call_posts_the_slot_with_the_secret(clock: ScaledClock, wall: ManualWall) -> None:
    calls: Calls = []
    state = scheduler(clock, recording(calls, clock, wall))

    done = await call(state, FIRST_SLOT)

    request = calls[0][1]
    assert done == Tick(FIRST_SLOT, clock.now(), 200, runs=2)
    assert (request.method, str(request.url), request.headers["X-Scheduler-Secret"], json.loads(request.content)) == (
        "POST",
        "http://app.test/api/v1/internal/run-due-reports",
        "shh",
        {"slot": "2023-11-14T22:15:00Z"},
    )


async def test_scheduler_call_records_a_refused_connection_as_unreachable(clock: ScaledClock) -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("Connection refused", request=request)

    done = await call(scheduler(clock, httpx.MockTransport(refuse)), FIRST_SLOT)

    assert done == Tick(FIRST_SLOT, clock.now(), None, error="unreachable", detail="ConnectError: Connection refused")


async def test_scheduler_call_times_out_an_app_that_does_not_answer(clock: ScaledClock) -> None:
    async def hang(request: Request) -> Response:
        await asyncio.Event().wait()
        return Response()

    app = Starlette(routes=[Route("/api/v1/internal/run-due-reports", hang, methods=["POST"])])
    state = scheduler(clock, httpx.ASGITransport(app=app))
    state.timeout = 0.05

    done = await call(state, FIRST_SLOT)

    assert done == Tick(FIRST_SLOT, clock.now(), None, error="timeout", detail="no answer within 0.05s")


async def test_scheduler_call_records_a_403_as_its_status(clock: ScaledClock) -> None:
    async def forbid(request: Request) -> Response:
        return JSONResponse({"error": "forbidden"}, status_code=403)

    app = Starlette(routes=[Route("/api/v1/internal/run-due-reports", forbid, methods=["POST"])])

    done = await call(scheduler(clock, httpx.ASGITransport(app=app)), FIRST_SLOT)

    assert done == Tick(FIRST_SLOT, clock.now(), 403)


@pytest.mark.parametrize(
    ("content", "runs"),
    [
        (b'{"due": 4, "sent": 2, "failed": 1, "skipped": 1}', 3),
        (b'{"due": 0, "sent": 0, "failed": 0, "skipped": 0}', 0),
        (b'{"sent": true, "failed": 0}', None),
        (b'{"sent": 2}', None),
        (b"ok", None),
    ],
)
def test_scheduler_runs_of_reads_the_apps_answer(content: bytes, runs: int | None) -> None:
    assert runs_of(httpx.Response(200, content=content)) == runs


def test_scheduler_tick_line_says_slot_status_and_runs() -> None:
    lines = [
        tick_line(Tick(FIRST_SLOT, FIRST_SLOT + 0.25, 200, runs=2)),
        tick_line(Tick(FIRST_SLOT, FIRST_SLOT, None, error="unreachable", detail="ConnectError: refused")),
    ]

    assert lines == [
        "tick slot=2023-11-14T22:15:00Z status=200 runs=2 at=2023-11-14T22:15:00.250Z",
        "tick slot=2023-11-14T22:15:00Z status=unreachable runs=- at=2023-11-14T22:15:00Z"
        ' detail="ConnectError: refused"',
    ]


async def test_scheduler_tick_records_and_logs_the_outcome(clock: ScaledClock, wall: ManualWall) -> None:
    state = scheduler(clock, recording([], clock, wall))
    log: list[str] = []

    done = await tick(state, FIRST_SLOT, log=log.append)

    assert (list(state.ticks), log) == ([done], [tick_line(done)])


async def test_scheduler_run_calls_at_every_slot_boundary_without_drift(clock: ScaledClock, wall: ManualWall) -> None:
    calls: Calls = []
    state = scheduler(clock, recording(calls, clock, wall, takes=250.0))

    await run_until(state, wall, ticks=3, log=[])

    slots = [json.loads(request.content)["slot"] for _, request in calls]
    assert [at for at, _ in calls] == [FIRST_SLOT, FIRST_SLOT + 900, FIRST_SLOT + 1800]
    assert slots == ["2023-11-14T22:15:00Z", "2023-11-14T22:30:00Z", "2023-11-14T22:45:00Z"]


async def test_scheduler_run_follows_scenario_time_at_the_time_scale(wall: ManualWall) -> None:
    clock = ScaledClock(scale=60.0, epoch=wall.now, wall=wall)
    calls: Calls = []
    state = scheduler(clock, recording(calls, clock, wall))
    start = wall.now

    await run_until(state, wall, ticks=2, log=[])

    assert [round(wall.now - start, 3), [round(at, 3) for at, _ in calls]] == [
        16.667,
        [FIRST_SLOT, FIRST_SLOT + 900],
    ]


async def test_scheduler_run_fires_the_latest_slot_once_after_a_late_wake_up(
    clock: ScaledClock, wall: ManualWall
) -> None:
    calls: Calls = []
    state = scheduler(clock, recording(calls, clock, wall, takes=2000.0))
    log: list[str] = []

    await run_until(state, wall, ticks=2, log=log)

    assert [slot.slot for slot in state.ticks] == [FIRST_SLOT, FIRST_SLOT + 1800]
    assert state.skipped == 1
    assert "skip slots=1 from=2023-11-14T22:30:00Z to=2023-11-14T22:30:00Z reason=late" in log


async def test_scheduler_run_keeps_ticking_while_the_app_is_down(clock: ScaledClock, wall: ManualWall) -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("Connection refused", request=request)

    state = scheduler(clock, httpx.MockTransport(refuse))

    await run_until(state, wall, ticks=3, log=[])

    assert [(done.slot, done.error) for done in state.ticks] == [
        (FIRST_SLOT, "unreachable"),
        (FIRST_SLOT + 900, "unreachable"),
        (FIRST_SLOT + 1800, "unreachable"),
    ]


async def test_scheduler_run_logs_where_it_calls_and_when_it_starts(clock: ScaledClock, wall: ManualWall) -> None:
    state = scheduler(clock, recording([], clock, wall))
    log: list[str] = []

    await run_until(state, wall, ticks=1, log=log)

    assert log == [
        "scheduler app_url=http://app.test tick_interval=900 first_slot=2023-11-14T22:15:00Z",
        "tick slot=2023-11-14T22:15:00Z status=200 runs=2 at=2023-11-14T22:15:00Z",
    ]


async def test_scheduler_run_with_catch_up_ticks_the_slot_under_way_first(clock: ScaledClock, wall: ManualWall) -> None:
    calls: Calls = []
    state = scheduler(clock, recording(calls, clock, wall))
    state.catch_up = True
    started = clock.now()

    await run_until(state, wall, ticks=2, log=[])

    assert [(done.slot, done.at) for done in state.ticks] == [
        (FIRST_SLOT - 900, started),
        (FIRST_SLOT, FIRST_SLOT),
    ]


async def test_scheduler_is_started_only_once_its_catch_up_tick_is_made(clock: ScaledClock, wall: ManualWall) -> None:
    """Its health says ready only then: a world is up once the scheduler's start-up work is done, not in flight."""
    seen: list[bool] = []
    state = scheduler(clock, recording([], clock, wall))
    state.catch_up = True

    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(state.started)
        return httpx.Response(200, json={"due": 2, "sent": 1, "failed": 1, "skipped": 0})

    state.transport = httpx.MockTransport(handle)
    await run_until(state, wall, ticks=2, log=[])

    assert (seen, state.started) == ([False, True], True)
