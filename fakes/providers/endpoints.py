"""HTTP pieces every provider shares: JSON errors, JSON bodies read with types, bearer credentials, the limits
on a body, and refusing a request when a fault is set on its path."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Mapping

from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from fakes.kit.request_limits import BodyLimits
from fakes.providers.faults import Faults, Refusal

Endpoint = Callable[[Request], Awaitable[Response]]


class BodyError(ValueError):
    """A request body is not the JSON the endpoint expects; the message says which field is wrong."""


def error(
    status: int, code: str, description: str | None = None, headers: Mapping[str, str] | None = None
) -> JSONResponse:
    """An error as providers answer them: ``{"error": code, "error_description"?: ...}``."""
    body: dict[str, object] = {"error": code}
    if description is not None:
        body["error_description"] = description
    return JSONResponse(body, status_code=status, headers=headers)


def body_limits() -> Middleware:
    """The fakes' body limits, refused as a provider answers: 400 ``invalid_request`` with a description."""
    return Middleware(BodyLimits, refuse=lambda message: error(400, "invalid_request", message))


def refusal_response(refusal: Refusal) -> JSONResponse:
    if refusal.retry_after is None:
        return error(refusal.status, refusal.error)
    headers = {"Retry-After": str(refusal.retry_after)}
    return JSONResponse({"error": refusal.error, "retry_after": refusal.retry_after}, 429, headers=headers)


def guarded(faults: Faults, endpoint: Endpoint) -> Endpoint:
    """``endpoint``, unless a fault is set on the request's path: then the fault answers."""

    async def guarded_endpoint(request: Request) -> Response:
        refusal = faults.refusal(request.url.path)
        return refusal_response(refusal) if refusal is not None else await endpoint(request)

    return guarded_endpoint


def bearer(request: Request) -> str | None:
    """The token of an ``Authorization: Bearer <token>`` header."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


async def json_object(request: Request) -> dict[str, object]:
    """The body as a JSON object; an empty body is an empty object."""
    raw = await request.body()
    if not raw.strip():
        return {}
    try:
        value = json.loads(raw)
    except ValueError:
        raise BodyError("the body is not valid JSON") from None
    if not isinstance(value, dict):
        raise BodyError("the body must be a JSON object")
    return value


def text_field(body: Mapping[str, object], name: str) -> str:
    value = body.get(name)
    if not isinstance(value, str) or not value.strip():
        raise BodyError(f"{name} must be a non-empty string")
    return value


def optional_text_field(body: Mapping[str, object], name: str) -> str | None:
    return None if body.get(name) is None else text_field(body, name)


def number_field(body: Mapping[str, object], name: str) -> float | None:
    value = body.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise BodyError(f"{name} must be a number")
    return float(value)


def whole_field(body: Mapping[str, object], name: str) -> int | None:
    value = body.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise BodyError(f"{name} must be a whole number")
    return value


def texts_field(body: Mapping[str, object], name: str) -> list[str] | None:
    value = body.get(name)
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise BodyError(f"{name} must be a list of strings")
    return [str(item) for item in value]
