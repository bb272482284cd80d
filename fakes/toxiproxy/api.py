"""Toxiproxy's HTTP API (2.x), answering what toxiproxy answers, status and bytes.

Routes that match run behind toxiproxy's guard (a browser's ``Mozilla/...`` user agent gets 403); an
unknown path answers Go's ``404 page not found`` and a known path with the wrong method an empty 405.
Errors become responses in ``error_response`` alone. Before any of that, a body past the fakes' limits
(``fakes.kit.request_limits``) is a 400 ``bad request body``.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from fakes.kit.request_limits import BodyLimits
from fakes.toxiproxy import errors, gojson
from fakes.toxiproxy.errors import ApiError, ProxyError
from fakes.toxiproxy.proxy_input import ProxyInput, parse_create, parse_populate, parse_update
from fakes.toxiproxy.request_id import RequestIdMiddleware
from fakes.toxiproxy.state import Toxiproxy
from fakes.toxiproxy.views import proxies_json, proxy_json, toxic_json

logger = logging.getLogger(__name__)

Handler = Callable[[Request], Awaitable[Response]]

_TEXT = "text/plain; charset=utf-8"


def create_app(state: Toxiproxy) -> Starlette:
    """The API of one toxiproxy server; its lifespan loads ``state.config`` and closes every proxy at exit."""

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        if state.config is not None:
            await _populate_from_config(state, state.config)
        yield
        await state.proxies.stop_all()

    app = Starlette(
        routes=_routes(),
        middleware=[Middleware(RequestIdMiddleware), Middleware(BodyLimits, refuse=_bad_body)],
        exception_handlers={404: _not_found, 405: _method_not_allowed},
        lifespan=lifespan,
    )
    app.state.toxiproxy = state
    return app


def _routes() -> list[Route]:
    table: list[tuple[str, str, Handler]] = [
        ("/reset", "POST", reset),
        ("/proxies", "GET", proxy_index),
        ("/proxies", "POST", proxy_create),
        ("/populate", "POST", populate),
        ("/proxies/{proxy}", "GET", proxy_show),
        ("/proxies/{proxy}", "POST", proxy_update),
        ("/proxies/{proxy}", "PATCH", proxy_update),
        ("/proxies/{proxy}", "DELETE", proxy_delete),
        ("/proxies/{proxy}/toxics", "GET", toxic_index),
        ("/proxies/{proxy}/toxics", "POST", toxic_create),
        ("/proxies/{proxy}/toxics/{toxic}", "GET", toxic_show),
        ("/proxies/{proxy}/toxics/{toxic}", "POST", toxic_update),
        ("/proxies/{proxy}/toxics/{toxic}", "PATCH", toxic_update),
        ("/proxies/{proxy}/toxics/{toxic}", "DELETE", toxic_delete),
        ("/version", "GET", version),
        ("/_control/health", "GET", health),
    ]
    return [Route(path, _guarded(handler), methods=[method]) for path, method, handler in table]


def _guarded(handler: Handler) -> Handler:
    """Toxiproxy's middleware for matched routes: refuse browsers, and turn errors into responses."""

    async def guarded(request: Request) -> Response:
        if request.headers.get("user-agent", "").startswith("Mozilla/"):
            return Response(b"User agent not allowed\n", 403, headers=_text_headers())
        try:
            return await handler(request)
        except (ApiError, ProxyError) as error:
            return error_response(error)

    return guarded


def as_api_error(error: ApiError | ProxyError) -> ApiError:
    """An error with its status; one without (a listen failure) is a 500 with its own message."""
    # Named errors are raised again and again; each raise would lengthen the traceback they keep.
    error.__traceback__ = None
    return error if isinstance(error, ApiError) else ApiError(str(error), 500)


def error_response(error: ApiError | ProxyError) -> Response:
    """The one place errors become HTTP: Go's ``http.Error`` with the error as JSON, as text, plus a newline."""
    api_error = as_api_error(error)
    body = gojson.dumps({"error": api_error.message, "status": api_error.status}) + b"\n"
    return Response(body, api_error.status, headers=_text_headers())


def _bad_body(message: str) -> Response:
    """A body past the fakes' limits, refused as toxiproxy refuses a body it cannot decode."""
    return error_response(errors.BAD_REQUEST_BODY.joined(message))


def _text_headers() -> dict[str, str]:
    return {"content-type": _TEXT, "x-content-type-options": "nosniff"}


def _json(value: gojson.JsonValue, status: int = 200) -> Response:
    return Response(gojson.dumps(value), status, headers={"content-type": "application/json"})


def _state(request: Request) -> Toxiproxy:
    state: Toxiproxy = request.app.state.toxiproxy
    return state


async def _not_found(request: Request, exc: Exception) -> Response:
    return Response(b"404 page not found\n", 404, headers=_text_headers())


async def _method_not_allowed(request: Request, exc: Exception) -> Response:
    return Response(b"", 405)


async def reset(request: Request) -> Response:
    await _state(request).proxies.reset()
    return Response(status_code=204)


async def proxy_index(request: Request) -> Response:
    return _json({proxy.name: proxy_json(proxy) for proxy in _state(request).proxies.by_name()})


async def proxy_create(request: Request) -> Response:
    proxy = await _state(request).proxies.create(parse_create(await request.body()))
    return _json(proxy_json(proxy), 201)


async def populate(request: Request) -> Response:
    """Toxiproxy answers the proxies it kept or created, and on a failure the error beside them."""
    collection = _state(request).proxies
    try:
        done, failure = await collection.populate(parse_populate(await request.body()))
    except ApiError as error:
        done, failure = [], error
    body: dict[str, gojson.JsonValue] = {}
    status = 201
    if failure is not None:
        api_error = as_api_error(failure)
        body = {"error": api_error.message, "status": api_error.status}
        status = api_error.status
    body["proxies"] = proxies_json(done)
    return _json(body, status)


async def proxy_show(request: Request) -> Response:
    return _json(proxy_json(_state(request).proxies.get(request.path_params["proxy"])))


async def proxy_update(request: Request) -> Response:
    collection = _state(request).proxies
    proxy = collection.get(request.path_params["proxy"])
    current = ProxyInput(proxy.name, proxy.listen, proxy.upstream, proxy.enabled)
    await collection.update(proxy, parse_update(await request.body(), current))
    return _json(proxy_json(proxy))


async def proxy_delete(request: Request) -> Response:
    await _state(request).proxies.delete(request.path_params["proxy"])
    return Response(status_code=204)


async def toxic_index(request: Request) -> Response:
    proxy = _state(request).proxies.get(request.path_params["proxy"])
    return _json([toxic_json(toxic) for toxic in proxy.toxics.all()])


async def toxic_create(request: Request) -> Response:
    """Answers 200, not 201, as toxiproxy does."""
    proxy = _state(request).proxies.get(request.path_params["proxy"])
    return _json(toxic_json(await proxy.toxics.add(await request.body())))


async def toxic_show(request: Request) -> Response:
    proxy = _state(request).proxies.get(request.path_params["proxy"])
    return _json(toxic_json(proxy.toxics.get(request.path_params["toxic"])))


async def toxic_update(request: Request) -> Response:
    proxy = _state(request).proxies.get(request.path_params["proxy"])
    toxic = await proxy.toxics.update(request.path_params["toxic"], await request.body())
    return _json(toxic_json(toxic))


async def toxic_delete(request: Request) -> Response:
    proxy = _state(request).proxies.get(request.path_params["proxy"])
    await proxy.toxics.remove(request.path_params["toxic"])
    return Response(status_code=204)


async def version(request: Request) -> Response:
    body = f'{{"version": "{_state(request).version}"}}\n'.encode()
    return Response(body, headers={"content-type": "application/json;charset=utf-8"})


async def health(request: Request) -> Response:
    """The world's readiness check (not in toxiproxy): ``{"status": "ok"}``."""
    return _json({"status": "ok"})


async def _populate_from_config(state: Toxiproxy, config: Path) -> None:
    """Toxiproxy's ``-config``: a failure is logged and the server starts anyway, as toxiproxy does."""
    try:
        body = await asyncio.to_thread(config.read_bytes)
    except OSError as error:
        logger.error("Error reading config file %s: %s", config, error)
        return
    try:
        done, failure = await state.proxies.populate(parse_populate(body))
    except ApiError as error:
        done, failure = [], error
    if failure is not None:
        logger.error("Failed to populate proxies from file: %s", failure)
    else:
        logger.info("Populated proxies from file proxies=%d", len(done))
