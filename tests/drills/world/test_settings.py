"""A setting's declaration takes the values its service takes, says in words what that is, and finds secrets."""

from __future__ import annotations

import pytest

from drills.world.settings import SettingSpec, SettingType, apply_changes, secret_values

POOL = SettingSpec("DB_POOL_SIZE", SettingType.INT, min=1)
TIMEOUT = SettingSpec("DB_POOL_TIMEOUT", SettingType.FLOAT, min=0, min_exclusive=True)
PERCENT = SettingSpec("SHARE", SettingType.INT, min=0, max=100)
FLAG = SettingSpec("CATCH_UP", SettingType.BOOL)
URL = SettingSpec("APP_URL", SettingType.URL, required=True)
KEY = SettingSpec("ADMIN_API_KEY", required=True, secret=True)


@pytest.mark.parametrize(
    ("setting", "taken", "refused"),
    [
        (POOL, ["1", "10", " 3 ", ""], ["0", "-1", "abc", "2.5", "1e3"]),
        (TIMEOUT, ["0.5", "2", "1e-3", ""], ["0", "-0.5", "nan", "inf", "two"]),
        (PERCENT, ["0", "100"], ["-1", "101"]),
        (FLAG, ["true", "False", "1", "off", "YES", ""], ["maybe", "2"]),
        (URL, ["http://127.0.0.1:8000", "postgresql://u:p@localhost/db"], ["", "127.0.0.1:8000", "/api", "http:///x"]),
        (KEY, ["anything at all"], [""]),
    ],
    ids=lambda value: value.name if isinstance(value, SettingSpec) else None,
)
def test_setting_accepts_what_its_service_reads_and_nothing_else(
    setting: SettingSpec, taken: list[str], refused: list[str]
) -> None:
    assert ([setting.accepts(value) for value in taken], [setting.accepts(value) for value in refused]) == (
        [True] * len(taken),
        [False] * len(refused),
    )


def test_setting_rule_says_the_type_and_range_in_words() -> None:
    assert [setting.rule() for setting in (POOL, TIMEOUT, PERCENT, FLAG, URL, KEY)] == [
        "a whole number, 1 or more",
        "a number, above 0",
        "a whole number, from 0 to 100",
        "true or false (or 1/0, yes/no, on/off)",
        "a URL like scheme://host:port/path, not empty",
        "text, not empty",
    ]


def test_setting_type_given_as_text_is_read_as_the_type() -> None:
    assert SettingSpec("N", "int", min=1).type is SettingType.INT  # type: ignore[arg-type]


def test_secret_values_are_declared_secrets_secret_names_and_passwords_inside_urls() -> None:
    declared = (SettingSpec("DSN", SettingType.URL), SettingSpec("SIGNING", secret=True), POOL)
    values = {
        "DSN": "postgresql://postgres:pg-pass-1234@127.0.0.1:5432/db",
        "SIGNING": "signing-material",
        "UNDECLARED_TOKEN": "token-value-99",
        "DB_POOL_SIZE": "3",
        "EMPTY_PASSWORD": "",
    }
    assert secret_values(declared, values) == {"pg-pass-1234", "signing-material", "token-value-99"}


def test_apply_changes_sets_and_removes_settings_and_leaves_the_rest() -> None:
    settings = {"A": "1", "B": "2", "C": "3"}
    apply_changes(settings, {"A": "10", "B": None, "D": "4", "E": None})
    assert settings == {"A": "10", "C": "3", "D": "4"}
