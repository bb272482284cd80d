"""The scheduler's control API (``/_control/health``, ``state``, ``fire``); serving it runs the tick loop."""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections.abc import AsyncIterator, Mapping
from functools import partial

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from fakes.kit.request_limits import BodyLimits
from fakes.scheduler.loop import due_slot, run, tick
from fakes.scheduler.state import SchedulerState, state_from_env


async def health(state: SchedulerState, request: Request) -> Response:
    """Ready once started: with catch_up, once the tick of the slot under way has been made (whatever it got),
    so that a world is up only when its scheduler's start-up work is done, not while it is still in flight."""
    if not state.started:
        return JSONResponse({"status": "starting", "detail": "catching up on the slot under way"}, status_code=503)
    return JSONResponse({"status": "ok"})


async def control_state(state: SchedulerState, request: Request) -> Response:
    return JSONResponse(state.view())


async def fire(state: SchedulerState, request: Request) -> Response:
    """Call the app now for the current slot (the latest boundary), as "re-fire the scheduler" asks."""
    done = await tick(state, due_slot(state.clock.now(), state.tick_interval))
    return JSONResponse(done.view())


@contextlib.asynccontextmanager
async def ticking(state: SchedulerState, app: Starlette) -> AsyncIterator[None]:
    """While the server runs, so does the loop; shutting down cancels it."""
    loop = asyncio.create_task(run(state))
    try:
        yield
    finally:
        loop.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await loop


def create_app(state: SchedulerState) -> Starlette:
    routes = [
        Route("/_control/health", partial(health, state), methods=["GET"]),
        Route("/_control/state", partial(control_state, state), methods=["GET"]),
        Route("/_control/fire", partial(fire, state), methods=["POST"]),
    ]
    return Starlette(routes=routes, middleware=[Middleware(BodyLimits)], lifespan=partial(ticking, state))


def app_from_env(env: Mapping[str, str] = os.environ) -> Starlette:
    return create_app(state_from_env(env))
