"""The control API every provider shares: health, and setting or clearing faults."""

from __future__ import annotations

from functools import partial

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from fakes.providers.endpoints import BodyError, error, json_object, number_field, texts_field, whole_field
from fakes.providers.faults import FaultError, Faults


async def health(request: Request) -> Response:
    return JSONResponse({"status": "ok"})


async def fail(faults: Faults, request: Request) -> Response:
    """``{"status", "paths"?, "for_seconds"?, "count"?}``: answer that status on those paths."""
    try:
        body = await json_object(request)
        status = whole_field(body, "status")
        if status is None:
            raise BodyError("status is required")
        faults.fail(status, texts_field(body, "paths"), number_field(body, "for_seconds"), whole_field(body, "count"))
    except (BodyError, FaultError) as problem:
        return error(422, "invalid_fault", str(problem))
    return JSONResponse(faults.view())


async def rate_limit(faults: Faults, request: Request) -> Response:
    """Answer 429 with Retry-After.

    ``{"retry_after_seconds", "limit"?, "lifts_after_quiet_seconds"?, "paths"?, "for_seconds"?, "count"?}``.
    """
    try:
        body = await json_object(request)
        retry_after = number_field(body, "retry_after_seconds")
        if retry_after is None:
            raise BodyError("retry_after_seconds is required")
        window = number_field(body, "for_seconds"), whole_field(body, "count")
        limit, quiet = whole_field(body, "limit"), number_field(body, "lifts_after_quiet_seconds")
        faults.limit_rate(
            retry_after, texts_field(body, "paths"), *window, limit=limit, lifts_after_quiet_seconds=quiet
        )
    except (BodyError, FaultError) as problem:
        return error(422, "invalid_fault", str(problem))
    return JSONResponse(faults.view())


async def reset(faults: Faults, request: Request) -> Response:
    """Clear every fault; the provider's data and credentials stay as they are."""
    faults.reset()
    return JSONResponse(faults.view())


def control_routes(faults: Faults) -> list[Route]:
    """``/_control/health``, ``fail``, ``rate-limit`` and ``reset``; each provider adds its own ``state``."""
    return [
        Route("/_control/health", health, methods=["GET"]),
        Route("/_control/fail", partial(fail, faults), methods=["POST"]),
        Route("/_control/rate-limit", partial(rate_limit, faults), methods=["POST"]),
        Route("/_control/reset", partial(reset, faults), methods=["POST"]),
    ]
