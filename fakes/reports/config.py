"""The scheduled-report app's configuration: environment variables, read once at start (docs/apps/reports.md lists
them); the kit's own (``fakes.kit.config``) come first."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

from fakes.kit import settings
from fakes.kit.config import AppSettings, app_settings


@dataclass(frozen=True, kw_only=True)
class Settings(AppSettings):
    """Everything the app reads from its environment. Secrets here are the values it was deployed with."""

    timetracking_url: str
    timetracking_client_id: str
    timetracking_client_secret: str
    mail_url: str
    mail_api_key: str
    scheduler_secret: str
    admin_api_key: str
    mail_from: str = "reports@drillbit.test"
    tenant_count: int = 20
    report_interval: float = 900.0
    report_concurrency: int = 16
    http_timeout: float = 2.0


def settings_from_env(env: Mapping[str, str] = os.environ) -> Settings:
    """Read and check every setting; a missing or malformed one raises ``SettingError``."""
    parsed = Settings(
        **vars(app_settings(env, admin_endpoints=True)),
        timetracking_url=settings.text("TIMETRACKING_URL", env=env),
        timetracking_client_id=settings.text("TIMETRACKING_CLIENT_ID", env=env),
        timetracking_client_secret=settings.text("TIMETRACKING_CLIENT_SECRET", env=env),
        mail_url=settings.text("MAIL_URL", env=env),
        mail_api_key=settings.text("MAIL_API_KEY", env=env),
        scheduler_secret=settings.secret("SCHEDULER_SECRET", env),
        mail_from=settings.text("MAIL_FROM", "reports@drillbit.test", env),
        tenant_count=settings.integer("TENANT_COUNT", 20, env),
        report_interval=settings.number("REPORT_INTERVAL", 900.0, env),
        report_concurrency=settings.integer("REPORT_CONCURRENCY", 16, env),
        http_timeout=settings.number("HTTP_TIMEOUT", 2.0, env),
    )
    settings.above_zero(
        {
            "REPORT_INTERVAL": parsed.report_interval,
            "REPORT_CONCURRENCY": parsed.report_concurrency,
            "HTTP_TIMEOUT": parsed.http_timeout,
        }
    )
    settings.not_negative({"TENANT_COUNT": parsed.tenant_count})
    return parsed
