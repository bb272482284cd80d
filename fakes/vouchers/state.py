"""The voucher app's state: the kit's (settings, clock, database, cache, instruments), its messaging client and
what its dispatcher has done, in one plain object for handlers and tests."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from starlette.requests import Request

from fakes.kit.state import KitState, Wiring, state_of
from fakes.vouchers.config import Settings
from fakes.vouchers.messaging import MessagingClient
from fakes.vouchers.metrics import VoucherMetrics


@dataclass
class DispatcherStatus:
    """What the campaign dispatcher has done so far, for ``/_control/state`` (``fakes.vouchers.dispatcher`` runs it)."""

    running: bool = False
    ticks: int = 0
    failed_ticks: int = 0
    last_tick_at: datetime | None = None
    last_error: str | None = None


@dataclass(kw_only=True)
class AppState(KitState):
    """The voucher app's state, built before it starts; handlers reach it via ``app_state``."""

    settings: Settings
    metrics: VoucherMetrics
    messaging: MessagingClient
    dispatcher: DispatcherStatus = field(default_factory=DispatcherStatus)

    def control_state(self) -> dict[str, Any]:
        last_tick = self.dispatcher.last_tick_at
        dispatcher = {
            "running": self.dispatcher.running,
            "interval": self.settings.dispatch_interval,
            "ticks": self.dispatcher.ticks,
            "failed_ticks": self.dispatcher.failed_ticks,
            "last_tick_at": None if last_tick is None else last_tick.isoformat(),
            "last_error": self.dispatcher.last_error,
        }
        return {**super().control_state(), "dispatcher": dispatcher}


def build_state(settings: Settings, wiring: Wiring) -> AppState:
    """The voucher app's state on its world's ``wiring``: everything constructed, nothing connected."""
    messaging_http = wiring.http_client("messaging", settings.messaging_url, settings.http_timeout)
    return AppState(
        settings=settings,
        metrics=VoucherMetrics(),
        wiring=wiring,
        messaging=MessagingClient(messaging_http, lambda: settings.messaging_api_key),
        http_clients=[messaging_http],
    )


def app_state(request: Request) -> AppState:
    return state_of(request, AppState)
