"""The endpoints every app answers: health (database and cache), readiness (the pool), metrics, and ``/_control``."""

from __future__ import annotations

import asyncio

from prometheus_client.exposition import CONTENT_TYPE_LATEST
from redis.exceptions import RedisError
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from fakes.kit.db import UNAVAILABLE
from fakes.kit.state import KitState, kit_state

CACHE_CHECK_SECONDS = 1.0


def _failure(error: BaseException) -> dict[str, str]:
    return {"status": "error", "error": type(error).__name__}


async def check_db(state: KitState) -> dict[str, str]:
    """``SELECT 1`` through the pool, answered within ``DB_POOL_TIMEOUT`` + 1 s whatever the network does.

    The probe runs as its own task and is abandoned, not awaited, when late: cancelling a query on a
    blackholed connection makes psycopg try a server-side cancel for seconds, and a probe must not wait for it.
    """
    budget = state.settings.db_pool_timeout + 1.0
    probe = state.spawn(_probe_db(state, budget))
    done, _ = await asyncio.wait({probe}, timeout=budget)
    if not done:
        probe.cancel()
        return {"status": "error", "error": "TimeoutError"}
    return probe.result()


async def _probe_db(state: KitState, budget: float) -> dict[str, str]:
    try:
        async with state.db.connection(budget=budget) as conn:
            await conn.execute("SELECT 1")
    except UNAVAILABLE as error:
        return _failure(error)
    return {"status": "ok"}


async def check_cache(state: KitState) -> dict[str, str]:
    try:
        async with asyncio.timeout(CACHE_CHECK_SECONDS):
            await state.cache.ping()
    except (RedisError, OSError, TimeoutError) as error:
        return _failure(error)
    return {"status": "ok"}


async def health_endpoint(request: Request) -> Response:
    """``GET /api/v1/health``: 200 ``ok`` when every check passes, else 503 ``degraded``."""
    state = kit_state(request)
    db, cache = await asyncio.gather(check_db(state), check_cache(state))
    healthy = db["status"] == cache["status"] == "ok"
    body = {
        "status": "ok" if healthy else "degraded",
        "version": state.settings.app_version,
        "checks": {"db": db, "cache": cache},
    }
    return JSONResponse(body, status_code=200 if healthy else 503)


async def ready_endpoint(request: Request) -> Response:
    """``GET /api/v1/ready``: 200 when the pool lends a working connection within ``DB_POOL_TIMEOUT``."""
    state = kit_state(request)
    db = await check_db(state)
    if db["status"] != "ok":
        return JSONResponse({"status": "not_ready", "checks": {"db": db}}, status_code=503)
    return JSONResponse({"status": "ready"})


async def metrics_endpoint(request: Request) -> Response:
    return Response(kit_state(request).metrics.exposition(), media_type=CONTENT_TYPE_LATEST)


async def control_health_endpoint(request: Request) -> Response:
    """The liveness every fake answers once it serves (the app serves only after its start-up finished)."""
    return JSONResponse({"status": "ok"})


async def control_state_endpoint(request: Request) -> Response:
    """What the app is running with, without a secret in it (``KitState.control_state``)."""
    return JSONResponse(kit_state(request).control_state())


ROUTES = [
    Route("/api/v1/health", health_endpoint),
    Route("/api/v1/ready", ready_endpoint),
    Route("/metrics", metrics_endpoint),
    Route("/_control/health", control_health_endpoint),
    Route("/_control/state", control_state_endpoint),
]
"""Every app's operational routes, before its product's own."""
