"""The app's configuration: environment variables, read once at start, exactly as docs/world.md lists them."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

from fakes.kit import settings
from fakes.kit.settings import SettingError


@dataclass(frozen=True)
class Settings:
    """Everything the app reads from its environment. Secrets here are the values it was deployed with."""

    database_url: str
    redis_url: str
    timetracking_url: str
    timetracking_client_id: str
    timetracking_client_secret: str
    mail_url: str
    mail_api_key: str
    messaging_url: str
    messaging_api_key: str
    scheduler_secret: str
    admin_api_key: str
    db_pool_size: int = 10
    db_pool_timeout: float = 2.0
    mail_from: str = "reports@drillbit.test"
    tenant_count: int = 20
    report_interval: float = 900.0
    report_concurrency: int = 16
    http_timeout: float = 2.0
    app_version: str = "1.0.0"
    seed: int = 0
    campaign_seed_targets: int = 0
    dispatch_interval: float = 10.0
    dispatch_batch: int = 10
    dispatch_concurrency: int = 5
    dispatch_max_attempts: int = 5


def settings_from_env(env: Mapping[str, str] = os.environ) -> Settings:
    """Read and check every setting; a missing or malformed one raises ``SettingError``."""
    parsed = Settings(
        database_url=settings.text("DATABASE_URL", env=env),
        redis_url=settings.text("REDIS_URL", env=env),
        timetracking_url=settings.text("TIMETRACKING_URL", env=env),
        timetracking_client_id=settings.text("TIMETRACKING_CLIENT_ID", env=env),
        timetracking_client_secret=settings.text("TIMETRACKING_CLIENT_SECRET", env=env),
        mail_url=settings.text("MAIL_URL", env=env),
        mail_api_key=settings.text("MAIL_API_KEY", env=env),
        messaging_url=settings.text("MESSAGING_URL", env=env),
        messaging_api_key=settings.text("MESSAGING_API_KEY", env=env),
        scheduler_secret=settings.text("SCHEDULER_SECRET", env=env),
        admin_api_key=settings.text("ADMIN_API_KEY", env=env),
        db_pool_size=settings.integer("DB_POOL_SIZE", 10, env),
        db_pool_timeout=settings.number("DB_POOL_TIMEOUT", 2.0, env),
        mail_from=settings.text("MAIL_FROM", "reports@drillbit.test", env),
        tenant_count=settings.integer("TENANT_COUNT", 20, env),
        report_interval=settings.number("REPORT_INTERVAL", 900.0, env),
        report_concurrency=settings.integer("REPORT_CONCURRENCY", 16, env),
        http_timeout=settings.number("HTTP_TIMEOUT", 2.0, env),
        app_version=settings.text("APP_VERSION", "1.0.0", env),
        seed=settings.integer("DRILLBIT_SEED", 0, env),
        campaign_seed_targets=settings.integer("CAMPAIGN_SEED_TARGETS", 0, env),
        dispatch_interval=settings.number("DISPATCH_INTERVAL", 10.0, env),
        dispatch_batch=settings.integer("DISPATCH_BATCH", 10, env),
        dispatch_concurrency=settings.integer("DISPATCH_CONCURRENCY", 5, env),
        dispatch_max_attempts=settings.integer("DISPATCH_MAX_ATTEMPTS", 5, env),
    )
    check(parsed)
    return parsed


def check(parsed: Settings) -> None:
    """Refuse values no deployment could run with, naming the variable."""
    positive: dict[str, float] = {
        "DB_POOL_SIZE": parsed.db_pool_size,
        "DB_POOL_TIMEOUT": parsed.db_pool_timeout,
        "REPORT_INTERVAL": parsed.report_interval,
        "REPORT_CONCURRENCY": parsed.report_concurrency,
        "HTTP_TIMEOUT": parsed.http_timeout,
        "DISPATCH_INTERVAL": parsed.dispatch_interval,
        "DISPATCH_BATCH": parsed.dispatch_batch,
        "DISPATCH_CONCURRENCY": parsed.dispatch_concurrency,
        "DISPATCH_MAX_ATTEMPTS": parsed.dispatch_max_attempts,
    }
    for name, value in positive.items():
        if value <= 0:
            raise SettingError(f"{name} must be above 0, not {value}")
    for name, count in (("TENANT_COUNT", parsed.tenant_count), ("CAMPAIGN_SEED_TARGETS", parsed.campaign_seed_targets)):
        if count < 0:
            raise SettingError(f"{name} must be 0 or more, not {count}")
    for name, secret in (("SCHEDULER_SECRET", parsed.scheduler_secret), ("ADMIN_API_KEY", parsed.admin_api_key)):
        if not secret:
            raise SettingError(f"{name} must not be empty")
