"""What any fake accepts as a request body: at most ``MAX_BODY_BYTES``, nested at most ``MAX_JSON_DEPTH`` deep.

Every fake puts ``BodyLimits`` in front of its routes, so a body past either limit is answered 400 with a
message before an endpoint sees it: nothing past the size limit is held in memory, and no JSON parser
recurses into a body nested 100,000 deep (Python's gives up with a ``RecursionError``: a 500 and a
traceback in the log). Each fake says how the refusal reads in its own error shape.
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Callable

from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

MAX_BODY_BYTES = 1024 * 1024
MAX_JSON_DEPTH = 64

Refusal = Callable[[str], Response]

# A JSON string, escapes and all; one left open runs to the end, so every match attempt succeeds at the first
# quote and the scan stays linear. Possessive, so a failing match cannot backtrack either.
_STRING = re.compile(r'"(?:[^"\\]|\\.)*+(?:"|\\?\Z)', re.DOTALL)
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}


class BodyRefused(ValueError):
    """A request body past a limit; the message says which."""


def _too_large() -> BodyRefused:
    return BodyRefused(f"the body is larger than {MAX_BODY_BYTES} bytes")


def check_depth(body: bytes, limit: int = MAX_JSON_DEPTH) -> None:
    """Raise ``BodyRefused`` when arrays and objects nest deeper than ``limit``, whatever the content type.

    The body is read as Python's JSON parser reads bytes (UTF-8, or UTF-16/32 when it looks so) and brackets
    inside strings do not count. It need not be valid JSON: where it goes wrong, the parser stops there with
    an error of its own, and no count past that point can make it recurse (which is also why a stray closing
    bracket may take the count below 0).
    """
    if body.count(b"[") + body.count(b"{") <= limit:
        return
    text = body.decode(json.detect_encoding(body), "replace")
    brackets = _NOT_BRACKET.sub("", _STRING.sub("", text))
    if max(itertools.accumulate(map(_STEP.__getitem__, brackets)), default=0) > limit:
        raise BodyRefused(f"the body nests arrays and objects deeper than {limit} levels")


def invalid_request(message: str) -> Response:
    """The refusal of the app and the scheduler: ``{"error": "invalid_request", "detail": message}``."""
    return JSONResponse({"error": "invalid_request", "detail": message}, status_code=400)


class BodyLimits:
    """ASGI middleware: reads the whole body within the limits, then hands it on; past them, ``refuse`` answers."""

    def __init__(self, app: ASGIApp, refuse: Refusal = invalid_request) -> None:
        self.app = app
        self.refuse = refuse

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        try:
            body = await _read_body(scope, receive)
            if body is None:
                return  # the client left before sending its body: nobody to answer
            check_depth(body)
        except BodyRefused as refused:
            await self.refuse(str(refused))(scope, receive, send)
            return
        await self.app(scope, _replay(body, receive), send)


async def _read_body(scope: Scope, receive: Receive) -> bytes | None:
    """The body, or ``BodyRefused`` as soon as its declared or received size passes the limit."""
    declared = dict(scope["headers"]).get(b"content-length", b"")
    if declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        raise _too_large()
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return None
        chunk: bytes = message.get("body", b"")
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            raise _too_large()
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks)


def _replay(body: bytes, receive: Receive) -> Receive:
    """A ``receive`` that gives the body already read, then whatever the connection says next."""
    pending = True

    async def replayed() -> Message:
        nonlocal pending
        if pending:
            pending = False
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replayed
