"""An app of the kit: its product's routes after the ones every app answers, and the start-up and shut-down
around them.

Start-up opens the pool (failing within seconds when the database cannot be reached), migrates the product's
schema, then runs the product's own start (seeding, background work); the app serves only once all of that is
done. Shut-down cancels what runs in the background, then closes the clients, the cache and the pool.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import TypeVar

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute

from fakes.kit import health
from fakes.kit.config import app_settings
from fakes.kit.db import UNAVAILABLE, migrate
from fakes.kit.metrics import AppMetrics, RequestMetrics
from fakes.kit.request_limits import BodyLimits
from fakes.kit.settings import clock_from
from fakes.kit.state import KitState, Wiring, kit_state

OPEN_POOL_SECONDS = 10.0
STOP_BACKGROUND_SECONDS = 2.0

S = TypeVar("S", bound=KitState)
T = TypeVar("T")
Start = Callable[[S], Awaitable[None]]


async def nothing_more(state: KitState) -> None:
    """The start of a product that has nothing to seed or run in the background."""


def create_app(
    state: S, routes: Sequence[BaseRoute] = (), schema: Sequence[str] = (), start: Start[S] = nothing_more
) -> Starlette:
    """The app serving ``routes`` (and the kit's own), migrating ``schema`` and running ``start`` at start-up."""
    app = Starlette(
        routes=[*health.ROUTES, *routes],
        middleware=[Middleware(RequestMetrics, metrics=state.metrics), Middleware(BodyLimits)],
        exception_handlers={error: database_unavailable for error in UNAVAILABLE},
        lifespan=_lifespan(state, schema, start),
    )
    app.state.drillbit = state
    return app


def from_env(
    read: Callable[[Mapping[str, str]], T], build: Callable[[T, Wiring], S], create: Callable[[S], Starlette]
) -> Callable[[Mapping[str, str]], Starlette]:
    """A product's ``app_from_env``, what ``python -m fakes.<product>`` serves: its settings read from the
    environment (``read``), its state built on the world's clock (``build``), its app made (``create``)."""

    def app_from_env(env: Mapping[str, str]) -> Starlette:
        return create(build(read(env), Wiring(clock_from(env))))

    return app_from_env


def kit_app_from_env(env: Mapping[str, str], routes: Sequence[BaseRoute] = ()) -> Starlette:
    """An app of the kit's settings, state and endpoints alone, and ``routes``, configured from ``env``: a product
    that has nothing of its own to read, migrate or start yet."""
    state = KitState(settings=app_settings(env), metrics=AppMetrics(), wiring=Wiring(clock_from(env)))
    return create_app(state, routes)


async def database_unavailable(request: Request, error: Exception) -> Response:
    """No connection within the budget (pool exhausted, database down): 503, said in the log."""
    kit_state(request).log.emit("database_unavailable", path=request.url.path, error=type(error).__name__)
    return JSONResponse({"error": "database_unavailable"}, status_code=503)


def _lifespan(
    state: S, schema: Sequence[str], start: Start[S]
) -> Callable[[Starlette], AbstractAsyncContextManager[None]]:
    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        try:
            await state.db.pool.open(wait=True, timeout=OPEN_POOL_SECONDS)
            await migrate(state.db, schema)
            await start(state)
        except BaseException:
            await stop(state)
            raise
        state.log.emit("app_started", version=state.settings.app_version)
        try:
            yield
        finally:
            await stop(state)

    return lifespan


async def stop(state: KitState) -> None:
    """Cancel what runs in the background, then close the clients, the cache and the pool."""
    for task in list(state.background):
        task.cancel()
    if state.background:
        # A query cancelled on a dead network can take psycopg seconds to give up: do not wait that long.
        await asyncio.wait(list(state.background), timeout=STOP_BACKGROUND_SECONDS)
    for client in state.http_clients:
        await client.aclose()
    await state.cache.client.aclose()
    await state.db.pool.close()
