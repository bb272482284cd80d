"""The voucher app's configuration: environment variables, read once at start (docs/apps/vouchers.md lists them);
the kit's own (``fakes.kit.config``) come first."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

from fakes.kit import settings
from fakes.kit.config import AppSettings, app_settings


@dataclass(frozen=True, kw_only=True)
class Settings(AppSettings):
    """Everything the app reads from its environment. Secrets here are the values it was deployed with."""

    messaging_url: str
    messaging_api_key: str
    admin_api_key: str
    http_timeout: float = 2.0
    campaign_seed_targets: int = 0
    dispatch_interval: float = 10.0
    dispatch_batch: int = 10
    dispatch_concurrency: int = 5
    dispatch_max_attempts: int = 5


def settings_from_env(env: Mapping[str, str] = os.environ) -> Settings:
    """Read and check every setting; a missing or malformed one raises ``SettingError``."""
    parsed = Settings(
        **vars(app_settings(env, admin_endpoints=True)),
        messaging_url=settings.text("MESSAGING_URL", env=env),
        messaging_api_key=settings.text("MESSAGING_API_KEY", env=env),
        http_timeout=settings.number("HTTP_TIMEOUT", 2.0, env),
        campaign_seed_targets=settings.integer("CAMPAIGN_SEED_TARGETS", 0, env),
        dispatch_interval=settings.number("DISPATCH_INTERVAL", 10.0, env),
        dispatch_batch=settings.integer("DISPATCH_BATCH", 10, env),
        dispatch_concurrency=settings.integer("DISPATCH_CONCURRENCY", 5, env),
        dispatch_max_attempts=settings.integer("DISPATCH_MAX_ATTEMPTS", 5, env),
    )
    settings.above_zero(
        {
            "HTTP_TIMEOUT": parsed.http_timeout,
            "DISPATCH_INTERVAL": parsed.dispatch_interval,
            "DISPATCH_BATCH": parsed.dispatch_batch,
            "DISPATCH_CONCURRENCY": parsed.dispatch_concurrency,
            "DISPATCH_MAX_ATTEMPTS": parsed.dispatch_max_attempts,
        }
    )
    settings.not_negative({"CAMPAIGN_SEED_TARGETS": parsed.campaign_seed_targets})
    return parsed
