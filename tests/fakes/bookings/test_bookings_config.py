"""The booking app's settings from its environment, and the customers its seed makes."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from fakes.bookings.config import Settings, settings_from_env
from fakes.bookings.customers import customer_rows
from fakes.kit.settings import SettingError

REQUIRED = {
    "DATABASE_URL": "postgresql://db/app",
    "REDIS_URL": "redis://cache/0",
    "MAIL_URL": "http://mail",
    "MAIL_API_KEY": "mk",
}
NOW = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def test_bookings_settings_default_as_the_world_file_says() -> None:
    assert settings_from_env({**REQUIRED, "CUSTOMER_COUNT": "7", "MAIL_FROM": "desk@x.test"}) == Settings(
        database_url="postgresql://db/app",
        redis_url="redis://cache/0",
        mail_url="http://mail",
        mail_api_key="mk",
        mail_from="desk@x.test",
        customer_count=7,
    )


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"MAIL_URL": None}, "MAIL_URL is not set"),
        ({"CUSTOMER_COUNT": "-1"}, "CUSTOMER_COUNT must be 0 or more"),
        ({"HTTP_TIMEOUT": "0"}, "HTTP_TIMEOUT must be above 0"),
        ({"DB_POOL_SIZE": "0"}, "DB_POOL_SIZE must be above 0"),
    ],
)
def test_bookings_settings_name_the_bad_variable(change: dict[str, str | None], message: str) -> None:
    env = {name: value for name, value in {**REQUIRED, **change}.items() if value is not None}
    with pytest.raises(SettingError, match=message):
        settings_from_env(env)


def test_bookings_customers_are_the_same_for_the_same_seed_each_with_a_mailbox_of_its_own() -> None:
    first, again, other = customer_rows(30, 0, NOW), customer_rows(30, 0, NOW), customer_rows(30, 1, NOW)
    emails = [email for _, email, _ in first]
    assert (first == again, first == other, len(set(emails)), emails[0].endswith(".1@customers.example")) == (
        True,
        False,
        30,
        True,
    )
