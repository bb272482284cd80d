"""What every app reads from its environment (``fakes.kit.config``), and the kit's checks of a setting's value."""

from __future__ import annotations

import pytest

from fakes.kit.config import AppSettings, app_settings
from fakes.kit.settings import SettingError, above_zero, not_negative, secret

REQUIRED = {"DATABASE_URL": "postgresql://db/app", "REDIS_URL": "redis://cache/0"}


def test_kit_settings_default_and_read_no_admin_key_unless_asked() -> None:
    assert app_settings({**REQUIRED, "ADMIN_API_KEY": "admin"}) == AppSettings(
        database_url="postgresql://db/app",
        redis_url="redis://cache/0",
        db_pool_size=10,
        db_pool_timeout=2.0,
        app_version="1.0.0",
        seed=0,
        admin_api_key=None,
    )


def test_kit_settings_read_every_optional_setting_and_the_admin_key_when_asked() -> None:
    env = {
        **REQUIRED,
        "DB_POOL_SIZE": "3",
        "DB_POOL_TIMEOUT": "0.5",
        "APP_VERSION": "2.0.0",
        "DRILLBIT_SEED": "7",
        "ADMIN_API_KEY": "admin",
    }
    parsed = app_settings(env, admin_endpoints=True)
    assert (parsed.db_pool_size, parsed.db_pool_timeout, parsed.app_version, parsed.seed, parsed.admin_api_key) == (
        3,
        0.5,
        "2.0.0",
        7,
        "admin",
    )


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"DATABASE_URL": None}, "DATABASE_URL is not set"),
        ({"REDIS_URL": None}, "REDIS_URL is not set"),
        ({"DB_POOL_SIZE": "0"}, "DB_POOL_SIZE must be above 0, not 0"),
        ({"DB_POOL_TIMEOUT": "-1"}, "DB_POOL_TIMEOUT must be above 0, not -1.0"),
        ({"DRILLBIT_SEED": "x"}, "DRILLBIT_SEED='x' is not a whole number"),
        ({"ADMIN_API_KEY": None}, "ADMIN_API_KEY is not set"),
        ({"ADMIN_API_KEY": ""}, "ADMIN_API_KEY must not be empty"),
    ],
)
def test_kit_settings_name_the_bad_variable(change: dict[str, str | None], message: str) -> None:
    env = {name: value for name, value in {**REQUIRED, "ADMIN_API_KEY": "admin", **change}.items() if value is not None}
    with pytest.raises(SettingError, match=message):
        app_settings(env, admin_endpoints=True)


def test_kit_checks_refuse_the_first_bad_value_and_pass_good_ones() -> None:
    above_zero({"A": 1, "B": 0.5})
    not_negative({"C": 0})
    assert secret("S", {"S": "x"}) == "x"
    with pytest.raises(SettingError, match="N must be 0 or more, not -2"):
        not_negative({"M": 0, "N": -2})
