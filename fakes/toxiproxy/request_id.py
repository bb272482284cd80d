"""``X-Toxiproxy-Request-Id`` on every response, an xid like the one toxiproxy's logging middleware makes."""

from __future__ import annotations

import base64
import itertools
import os
import struct
import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send


class RequestIds:
    """20-character xids (base32hex of time, machine, process and a counter): unique and roughly sorted."""

    def __init__(self) -> None:
        self._machine = os.urandom(3)
        self._process = struct.pack(">H", os.getpid() & 0xFFFF)
        self._counter = itertools.count(int.from_bytes(os.urandom(3), "big"))

    def next(self) -> str:
        counter = next(self._counter) & 0xFFFFFF
        raw = struct.pack(">I", int(time.time())) + self._machine + self._process + counter.to_bytes(3, "big")
        return base64.b32hexencode(raw).decode("ascii").rstrip("=").lower()


class RequestIdMiddleware:
    """Adds the request id header to every HTTP response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.ids = RequestIds()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        header = (b"x-toxiproxy-request-id", self.ids.next().encode("ascii"))

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), header]
            await send(message)

        await self.app(scope, receive, send_with_id)
