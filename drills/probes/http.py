"""HTTP probes: one request, and whether its status, JSON, headers, text and latency are what was expected."""

from __future__ import annotations

import json

import httpx
from pydantic import JsonValue

from drills.errors import ProbeError
from drills.language.conditions import check, check_path, show
from drills.language.expect import HttpExpect
from drills.language.requests import HttpRequest
from drills.probes.result import (
    DEFAULT_LIMITS,
    ProbeLimits,
    ProbeResult,
    bounded,
    describe,
    outcome,
    safe_url,
    unreadable,
)
from drills.world.context import DrillContext
from drills.world.tls import trusted


def read_http(
    request: HttpRequest, expect: HttpExpect, context: DrillContext, limits: ProbeLimits = DEFAULT_LIMITS
) -> ProbeResult:
    """Sends ``request`` (its references already resolved) and checks the answer against ``expect``."""
    url = request.url
    where = f"{request.method} {safe_url(url)}"
    timeout = _timeout(expect, limits)
    started = context.stopwatch.monotonic()
    try:
        response = _send(request, timeout)
    except httpx.ConnectTimeout:
        return unreadable(context, f"{where}: no connection within {timeout.connect:g}s", _since(context, started))
    except httpx.TimeoutException:
        return unreadable(context, f"{where}: no answer within {timeout.read:g}s", _since(context, started))
    except httpx.HTTPError as error:
        return unreadable(context, f"{where}: {describe(error)}", _since(context, started))
    latency = _since(context, started)
    parsed = parse_json(response.text)
    reasons = _reasons(expect, response, parsed, latency)
    return outcome(
        context,
        reasons,
        f"{where} answered {response.status_code} in {latency * 1000:.0f} ms",
        value={"status": response.status_code, "json": bounded(parsed)},
        output=response.text,
        parsed=parsed,
        latency_s=latency,
    )


def get_text(url: str, limits: ProbeLimits) -> str:
    """The text at ``url``; raises httpx.HTTPError when it cannot be read or does not answer 200."""
    with _client(httpx.Timeout(limits.read_s, connect=limits.connect_s)) as client:
        response = client.get(url)
    if response.status_code != 200:
        # httpx's own message repeats the whole URL, query and credentials included.
        raise httpx.HTTPStatusError(f"answered {response.status_code}", request=response.request, response=response)
    return response.text


def parse_json(text: str) -> JsonValue | None:
    """The JSON document ``text`` holds, or None when it holds none."""
    try:
        parsed: JsonValue = json.loads(text)
    except ValueError:
        return None
    return parsed


def _client(timeout: httpx.Timeout) -> httpx.Client:
    # trust_env=False: a developer's HTTP_PROXY must not stand between a drill and its own world.
    return httpx.Client(timeout=timeout, follow_redirects=False, trust_env=False, verify=trusted())


def _timeout(expect: HttpExpect, limits: ProbeLimits) -> httpx.Timeout:
    # Waiting past max_latency cannot change the verdict, so it also bounds the wait.
    read = limits.read_s
    if expect.max_latency is not None:
        read = min(read, expect.max_latency.total_seconds())
    return httpx.Timeout(read, connect=min(limits.connect_s, read))


def _send(request: HttpRequest, timeout: httpx.Timeout) -> httpx.Response:
    body = request.json_body if request.given("json_body") else None
    form = None if request.form is None else dict(request.form)
    try:
        with _client(timeout) as client:
            return client.request(
                request.method, request.url, headers=request.headers, content=request.body, data=form, json=body
            )
    except (httpx.InvalidURL, httpx.UnsupportedProtocol) as error:
        raise ProbeError(f"cannot send {request.method} {safe_url(request.url)}: {describe(error)}") from None


def _reasons(expect: HttpExpect, response: httpx.Response, parsed: JsonValue | None, latency: float) -> list[str]:
    status = check(expect.status, response.status_code)
    return [
        *([] if status is None else [f"status: {status}"]),
        *_json_reasons(expect, response, parsed),
        *_header_reasons(expect, response),
        *_text_reasons(expect, response.text),
        *_latency_reasons(expect, latency),
    ]


def _json_reasons(expect: HttpExpect, response: httpx.Response, parsed: JsonValue | None) -> list[str]:
    if not expect.json_values:
        return []
    if parsed is None:
        kind = response.headers.get("content-type", "no content type")
        return [f"expected a JSON answer, got {kind}: {show(response.text)}"]
    found = (check_path(condition, parsed, path) for path, condition in expect.json_values.items())
    return [reason for reason in found if reason is not None]


def _header_reasons(expect: HttpExpect, response: httpx.Response) -> list[str]:
    # Header names are case-insensitive; a header that was not sent is null, so `exists: false` can ask for that.
    found = ((name, check(condition, response.headers.get(name))) for name, condition in expect.headers.items())
    return [f"header {name}: {reason}" for name, reason in found if reason is not None]


def _text_reasons(expect: HttpExpect, text: str) -> list[str]:
    wanted = expect.body_contains
    if wanted is None:
        return []
    return [] if wanted in text else [f"expected the answer to contain {show(wanted)}, got {show(text)}"]


def _latency_reasons(expect: HttpExpect, latency: float) -> list[str]:
    if expect.max_latency is None or latency <= expect.max_latency.total_seconds():
        return []
    return [f"answered in {latency * 1000:.0f} ms, over the {expect.max_latency.total_seconds() * 1000:.0f} ms allowed"]


def _since(context: DrillContext, started: float) -> float:
    return context.stopwatch.monotonic() - started
