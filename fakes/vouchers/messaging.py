"""The app's client to the messaging provider: one text message (SMS-like) a send, delivered at most once per
idempotency key."""

from __future__ import annotations

from collections.abc import Callable

import httpx

from fakes.kit.providers import SentMessage, post_message


class MessagingClient:
    """Sends one text message; ``api_key`` is read at each send, so a rotated credential takes at once."""

    name = "messaging"

    def __init__(self, http: httpx.AsyncClient, api_key: Callable[[], str]) -> None:
        self.http = http
        self.api_key = api_key

    async def send(self, to: str, body: str, idempotency_key: str) -> SentMessage:
        return await post_message(self.name, self.http, self.api_key(), idempotency_key, {"to": to, "body": body})
