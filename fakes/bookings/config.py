"""The booking app's configuration: environment variables, read once at start (docs/apps/bookings.md lists them);
the kit's own (``fakes.kit.config``) come first."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

from fakes.kit import settings
from fakes.kit.config import AppSettings, app_settings


@dataclass(frozen=True, kw_only=True)
class Settings(AppSettings):
    """Everything the app reads from its environment. The mail key here is the value it was deployed with."""

    mail_url: str
    mail_api_key: str
    mail_from: str = "bookings@drillbit.test"
    customer_count: int = 50
    http_timeout: float = 2.0


def settings_from_env(env: Mapping[str, str] = os.environ) -> Settings:
    """Read and check every setting; a missing or malformed one raises ``SettingError``."""
    parsed = Settings(
        **vars(app_settings(env)),
        mail_url=settings.text("MAIL_URL", env=env),
        mail_api_key=settings.text("MAIL_API_KEY", env=env),
        mail_from=settings.text("MAIL_FROM", "bookings@drillbit.test", env),
        customer_count=settings.integer("CUSTOMER_COUNT", 50, env),
        http_timeout=settings.number("HTTP_TIMEOUT", 2.0, env),
    )
    settings.above_zero({"HTTP_TIMEOUT": parsed.http_timeout})
    settings.not_negative({"CUSTOMER_COUNT": parsed.customer_count})
    return parsed
