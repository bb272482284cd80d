"""The app's client to the mail provider: one message a send, delivered at most once per idempotency key."""

from __future__ import annotations

from collections.abc import Callable

import httpx

from fakes.kit.providers import SentMessage, post_message


class MailClient:
    """Sends one message from ``sender``; ``api_key`` is read at each send, so a rotated credential takes at once."""

    name = "mail"

    def __init__(self, http: httpx.AsyncClient, api_key: Callable[[], str], sender: str) -> None:
        self.http = http
        self.api_key = api_key
        self.sender = sender

    async def send(self, to: str, subject: str, text: str, idempotency_key: str) -> SentMessage:
        message = {"from": self.sender, "to": to, "subject": subject, "text": text}
        return await post_message(self.name, self.http, self.api_key(), idempotency_key, message)
