"""The scheduled-report app's settings from its environment, the tenants its seed makes, and its slots."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from fakes.kit.clock import parse_time
from fakes.kit.settings import SettingError
from fakes.reports.config import Settings, settings_from_env
from fakes.reports.reports import report_slot
from fakes.reports.tenants import seed_rows

REQUIRED = {
    "DATABASE_URL": "postgresql://db/app",
    "REDIS_URL": "redis://cache/0",
    "TIMETRACKING_URL": "http://tt",
    "TIMETRACKING_CLIENT_ID": "drillbit-app",
    "TIMETRACKING_CLIENT_SECRET": "cs",
    "MAIL_URL": "http://mail",
    "MAIL_API_KEY": "mk",
    "SCHEDULER_SECRET": "shared",
    "ADMIN_API_KEY": "admin",
}
NOW = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def test_settings_from_env_defaults_as_the_world_contract_says() -> None:
    assert settings_from_env(REQUIRED) == Settings(
        database_url="postgresql://db/app",
        redis_url="redis://cache/0",
        timetracking_url="http://tt",
        timetracking_client_id="drillbit-app",
        timetracking_client_secret="cs",
        mail_url="http://mail",
        mail_api_key="mk",
        scheduler_secret="shared",
        admin_api_key="admin",
        db_pool_size=10,
        db_pool_timeout=2.0,
        mail_from="reports@drillbit.test",
        tenant_count=20,
        report_interval=900.0,
        http_timeout=2.0,
        app_version="1.0.0",
        seed=0,
    )


def test_settings_from_env_reads_every_optional_setting() -> None:
    env = {
        **REQUIRED,
        "DB_POOL_SIZE": "3",
        "DB_POOL_TIMEOUT": "0.5",
        "MAIL_FROM": "ops@x.test",
        "TENANT_COUNT": "10000",
        "REPORT_INTERVAL": "3600",
        "REPORT_CONCURRENCY": "4",
        "HTTP_TIMEOUT": "1.5",
        "APP_VERSION": "2.0.0",
        "DRILLBIT_SEED": "7",
    }
    parsed = settings_from_env(env)
    assert (
        parsed.db_pool_size,
        parsed.db_pool_timeout,
        parsed.mail_from,
        parsed.tenant_count,
        parsed.report_interval,
        parsed.report_concurrency,
        parsed.http_timeout,
        parsed.app_version,
        parsed.seed,
    ) == (3, 0.5, "ops@x.test", 10_000, 3600.0, 4, 1.5, "2.0.0", 7)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"DATABASE_URL": None}, "DATABASE_URL is not set"),
        ({"DB_POOL_SIZE": "0"}, "DB_POOL_SIZE must be above 0"),
        ({"TENANT_COUNT": "-1"}, "TENANT_COUNT must be 0 or more"),
        ({"HTTP_TIMEOUT": "soon"}, "HTTP_TIMEOUT='soon' is not a number"),
        ({"SCHEDULER_SECRET": ""}, "SCHEDULER_SECRET must not be empty"),
        ({"ADMIN_API_KEY": ""}, "ADMIN_API_KEY must not be empty"),
        ({"REPORT_CONCURRENCY": "0"}, "REPORT_CONCURRENCY must be above 0"),
    ],
)
def test_settings_from_env_names_the_bad_variable(change: dict[str, str | None], message: str) -> None:
    env = {name: value for name, value in {**REQUIRED, **change}.items() if value is not None}
    with pytest.raises(SettingError, match=message):
        settings_from_env(env)


def test_seed_rows_are_the_same_for_the_same_seed() -> None:
    first, again, other = seed_rows(50, 0, NOW), seed_rows(50, 0, NOW), seed_rows(50, 1, NOW)
    accounts = [account for _, account, _, _ in first]
    assert (first == again, first == other, len(set(accounts))) == (True, False, 50)


def test_seed_rows_give_each_tenant_a_mailbox_named_after_its_account() -> None:
    _, account, email, created = seed_rows(1, 0, NOW)[0]
    assert (account.endswith("-1"), email, created) == (True, f"reports@{account}.example", NOW)


@pytest.mark.parametrize(
    ("moment", "interval", "slot"),
    [
        ("2026-01-05T09:00:00Z", 900, "2026-01-05T09:00:00+00:00"),
        ("2026-01-05T09:14:59.9Z", 900, "2026-01-05T09:00:00+00:00"),
        ("2026-01-05T09:15:00+00:00", 900, "2026-01-05T09:15:00+00:00"),
        ("2026-01-05T10:30:00", 3600, "2026-01-05T10:00:00+00:00"),
        ("2026-01-05T11:30:00+02:00", 3600, "2026-01-05T09:00:00+00:00"),
    ],
)
def test_report_slot_starts_at_a_multiple_of_the_interval(moment: str, interval: float, slot: str) -> None:
    parsed = parse_time(moment)
    assert parsed is not None
    assert report_slot(parsed, interval).isoformat() == slot
