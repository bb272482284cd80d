"""The voucher app's settings from its environment."""

from __future__ import annotations

import pytest

from fakes.kit.settings import SettingError
from fakes.vouchers.config import Settings, settings_from_env

REQUIRED = {
    "DATABASE_URL": "postgresql://db/app",
    "REDIS_URL": "redis://cache/0",
    "MESSAGING_URL": "http://messaging",
    "MESSAGING_API_KEY": "xk",
    "ADMIN_API_KEY": "admin",
}


def test_vouchers_settings_default_as_the_world_file_says() -> None:
    assert settings_from_env(REQUIRED) == Settings(
        database_url="postgresql://db/app",
        redis_url="redis://cache/0",
        messaging_url="http://messaging",
        messaging_api_key="xk",
        admin_api_key="admin",
        db_pool_size=10,
        db_pool_timeout=2.0,
        app_version="1.0.0",
        seed=0,
        http_timeout=2.0,
        campaign_seed_targets=0,
        dispatch_interval=10.0,
        dispatch_batch=10,
        dispatch_concurrency=5,
        dispatch_max_attempts=5,
    )


def test_vouchers_settings_read_the_campaign_settings() -> None:
    env = {
        **REQUIRED,
        "CAMPAIGN_SEED_TARGETS": "500",
        "DISPATCH_INTERVAL": "2.5",
        "DISPATCH_BATCH": "50",
        "DISPATCH_CONCURRENCY": "8",
        "DISPATCH_MAX_ATTEMPTS": "3",
        "HTTP_TIMEOUT": "0.5",
    }
    parsed = settings_from_env(env)
    assert (
        parsed.campaign_seed_targets,
        parsed.dispatch_interval,
        parsed.dispatch_batch,
        parsed.dispatch_concurrency,
        parsed.dispatch_max_attempts,
        parsed.http_timeout,
    ) == (500, 2.5, 50, 8, 3, 0.5)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"CAMPAIGN_SEED_TARGETS": "-1"}, "CAMPAIGN_SEED_TARGETS must be 0 or more"),
        ({"DISPATCH_INTERVAL": "0"}, "DISPATCH_INTERVAL must be above 0"),
        ({"DISPATCH_BATCH": "0"}, "DISPATCH_BATCH must be above 0"),
        ({"DISPATCH_MAX_ATTEMPTS": "x"}, "DISPATCH_MAX_ATTEMPTS='x' is not a whole number"),
        ({"MESSAGING_URL": None}, "MESSAGING_URL is not set"),
        ({"ADMIN_API_KEY": ""}, "ADMIN_API_KEY must not be empty"),
    ],
)
def test_vouchers_settings_name_the_bad_variable(change: dict[str, str | None], message: str) -> None:
    env = {name: value for name, value in {**REQUIRED, **change}.items() if value is not None}
    with pytest.raises(SettingError, match=message):
        settings_from_env(env)
