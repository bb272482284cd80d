"""The scheduler's loop: call the app at every slot boundary of scenario time, whatever the app does.

Slots are the multiples of the tick interval in scenario time. The loop sleeps until the next boundary (never
"an interval after the last call", so it does not drift), times out each call, and logs and records every
outcome. When it wakes up late (a slow call, a paused process) it fires the latest slot once and counts the
ones it skipped: a slot is never called twice by the loop.
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import Awaitable, Callable

import httpx

from fakes.kit.clock import iso, sleep_until
from fakes.kit.tls import trusted
from fakes.scheduler.state import SchedulerState, Tick

TARGET_PATH = "/api/v1/internal/run-due-reports"
SECRET_HEADER = "X-Scheduler-Secret"

Sleep = Callable[[float], Awaitable[None]]
Log = Callable[[str], None]


def print_line(line: str) -> None:
    """One line on stdout, flushed at once so a person tailing the log sees it."""
    print(line, flush=True)


def next_slot(now: float, interval: int) -> float:
    """The first slot boundary strictly after ``now``."""
    return (math.floor(now / interval) + 1) * interval


def due_slot(now: float, interval: int) -> float:
    """The latest slot boundary at or before ``now``."""
    return math.floor(now / interval) * interval


async def call(state: SchedulerState, slot: float) -> Tick:
    """POST the slot to the app with the shared secret; a timeout or a refused connection is a tick too."""
    at = state.clock.now()
    headers = {SECRET_HEADER: state.secret}
    try:
        async with httpx.AsyncClient(transport=state.transport, timeout=state.timeout, verify=trusted()) as client:
            async with asyncio.timeout(state.timeout):
                response = await client.post(state.app_url + TARGET_PATH, headers=headers, json={"slot": iso(slot)})
    except (TimeoutError, httpx.TimeoutException):
        return Tick(slot, at, None, error="timeout", detail=f"no answer within {state.timeout:g}s")
    except httpx.TransportError as problem:
        return Tick(slot, at, None, error="unreachable", detail=f"{type(problem).__name__}: {problem}")
    return Tick(slot, at, response.status_code, runs=runs_of(response))


def runs_of(response: httpx.Response) -> int | None:
    """How many report runs the app says this tick made: its ``sent`` plus ``failed`` counts."""
    try:
        body = response.json()
    except ValueError:
        return None
    if not isinstance(body, dict):
        return None
    counts = [body.get("sent"), body.get("failed")]
    if not all(isinstance(count, int) and not isinstance(count, bool) for count in counts):
        return None
    return sum(count for count in counts if isinstance(count, int))


def tick_line(tick: Tick) -> str:
    status = tick.status if tick.status is not None else tick.error
    runs = "-" if tick.runs is None else tick.runs
    line = f"tick slot={iso(tick.slot)} status={status} runs={runs} at={iso(tick.at)}"
    return line if tick.detail is None else f'{line} detail="{tick.detail}"'


async def tick(state: SchedulerState, slot: float, log: Log = print_line) -> Tick:
    """Call the app for one slot, then record and log the outcome."""
    done = await call(state, slot)
    state.ticks.append(done)
    log(tick_line(done))
    return done


async def run(state: SchedulerState, sleep: Sleep = asyncio.sleep, log: Log = print_line) -> None:
    """Tick at every slot boundary (with catch_up, the slot under way first), forever; survives anything."""
    interval = state.tick_interval
    slot = next_slot(state.clock.now(), interval)
    log(f"scheduler app_url={state.app_url} tick_interval={interval} first_slot={iso(slot)}")
    if state.catch_up:
        await _tick_safely(state, due_slot(state.clock.now(), interval), log)
    state.started = True
    while True:
        state.next_slot = slot
        await sleep_until(state.clock, slot, sleep)
        due = due_slot(state.clock.now(), interval)
        if due > slot:
            missed = round((due - slot) / interval)
            state.skipped += missed
            log(f"skip slots={missed} from={iso(slot)} to={iso(due - interval)} reason=late")
        await _tick_safely(state, due, log)
        slot = due + interval


async def _tick_safely(state: SchedulerState, slot: float, log: Log) -> None:
    try:
        await tick(state, slot, log)
    except Exception as problem:  # a bug in one tick must not stop the schedule
        log(f"tick slot={iso(slot)} status=error detail={type(problem).__name__}: {problem}")
