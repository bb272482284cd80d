"""The scheduled-report app's state: the kit's (settings, clock, database, cache, instruments), its provider clients
and the secrets it can change while running, in one plain object for handlers and tests."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

from starlette.requests import Request

from fakes.kit.mail import MailClient
from fakes.kit.state import KitState, Wiring, state_of
from fakes.reports.config import Settings
from fakes.reports.metrics import ReportMetrics
from fakes.reports.timetracking import TimetrackingClient


@dataclass
class Credentials:
    """The secrets the app can change while running (unlike ``Settings``, which is what it was deployed with)."""

    timetracking_client_secret: str
    mail_api_key: str


@dataclass(kw_only=True)
class AppState(KitState):
    """The report app's state, built before it starts; handlers reach it via ``app_state``."""

    settings: Settings
    metrics: ReportMetrics
    credentials: Credentials
    timetracking: TimetrackingClient
    mail: MailClient
    tenant_locks: dict[int, asyncio.Lock] = field(default_factory=dict)

    def tenant_lock(self, tenant_id: int) -> asyncio.Lock:
        """One lock per tenant: a tenant's token pair is refreshed or replaced by one task at a time."""
        return self.tenant_locks.setdefault(tenant_id, asyncio.Lock())

    def control_state(self) -> dict[str, Any]:
        return {
            **super().control_state(),
            "tenant_count": self.settings.tenant_count,
            "report_interval": self.settings.report_interval,
        }


def build_state(settings: Settings, wiring: Wiring) -> AppState:
    """The report app's state on its world's ``wiring``: everything constructed, nothing connected."""
    credentials = Credentials(settings.timetracking_client_secret, settings.mail_api_key)
    timetracking_http = wiring.http_client("timetracking", settings.timetracking_url, settings.http_timeout)
    mail_http = wiring.http_client("mail", settings.mail_url, settings.http_timeout)
    return AppState(
        settings=settings,
        metrics=ReportMetrics(),
        wiring=wiring,
        credentials=credentials,
        timetracking=TimetrackingClient(
            timetracking_http, settings.timetracking_client_id, lambda: credentials.timetracking_client_secret
        ),
        mail=MailClient(mail_http, lambda: credentials.mail_api_key, settings.mail_from),
        http_clients=[timetracking_http, mail_http],
    )


def app_state(request: Request) -> AppState:
    return state_of(request, AppState)
