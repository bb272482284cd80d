"""The booking app's state: the kit's (settings, clock, database, cache, instruments) and its mail client, in one
plain object for handlers and tests."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from starlette.requests import Request

from fakes.bookings.config import Settings
from fakes.bookings.metrics import BookingMetrics
from fakes.kit.mail import MailClient
from fakes.kit.state import KitState, Wiring, state_of


@dataclass(kw_only=True)
class AppState(KitState):
    """The booking app's state, built before it starts; handlers reach it via ``app_state``."""

    settings: Settings
    metrics: BookingMetrics
    mail: MailClient

    def control_state(self) -> dict[str, Any]:
        return {**super().control_state(), "customer_count": self.settings.customer_count}


def build_state(settings: Settings, wiring: Wiring) -> AppState:
    """The booking app's state on its world's ``wiring``: everything constructed, nothing connected."""
    mail_http = wiring.http_client("mail", settings.mail_url, settings.http_timeout)
    return AppState(
        settings=settings,
        metrics=BookingMetrics(),
        wiring=wiring,
        mail=MailClient(mail_http, lambda: settings.mail_api_key, settings.mail_from),
        http_clients=[mail_http],
    )


def app_state(request: Request) -> AppState:
    return state_of(request, AppState)
