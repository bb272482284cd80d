"""The booking app's state: the kit's (settings, clock, database, cache, instruments) and its mail client, in one
plain object for handlers and tests."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, TextIO

import httpx
from starlette.requests import Request

from fakes.bookings.config import Settings
from fakes.bookings.metrics import BookingMetrics
from fakes.kit.clock import ScaledClock
from fakes.kit.mail import MailClient
from fakes.kit.providers import http_client
from fakes.kit.state import KitState, state_of


@dataclass(kw_only=True)
class AppState(KitState):
    """The booking app's state, built before it starts; handlers reach it via ``app_state``."""

    settings: Settings
    metrics: BookingMetrics
    mail: MailClient

    def control_state(self) -> dict[str, Any]:
        return {**super().control_state(), "customer_count": self.settings.customer_count}


def build_state(
    settings: Settings,
    clock: ScaledClock | None = None,
    transports: Mapping[str, httpx.AsyncBaseTransport] | None = None,
    log_stream: TextIO | None = None,
) -> AppState:
    """The booking app's state, everything constructed and nothing connected; ``transports`` (by provider name)
    let a test reach the providers in-process."""
    mail_http = http_client(settings.mail_url, settings.http_timeout, (transports or {}).get("mail"))
    return AppState(
        settings=settings,
        clock=clock or ScaledClock(),
        metrics=BookingMetrics(),
        log_stream=log_stream,
        mail=MailClient(mail_http, lambda: settings.mail_api_key, settings.mail_from),
        http_clients=[mail_http],
    )


def app_state(request: Request) -> AppState:
    return state_of(request, AppState)
