"""The time-tracking provider reads its configuration from the environment, like a deployed service."""

from __future__ import annotations

import pytest

from fakes.kit.service import run
from fakes.providers.timetracking import app_from_env, state_from_env


def test_timetracking_state_from_env_reads_every_setting() -> None:
    env = {
        "TIMETRACKING_CLIENT_ID": "app-7",
        "TIMETRACKING_CLIENT_SECRET": "s",
        "ACCESS_TOKEN_TTL": "60",
        "REFRESH_TOKEN_TTL": "120",
        "DRILLBIT_SEED": "9",
        "DRILLBIT_TIME_SCALE": "30",
        "DRILLBIT_EPOCH": "1700000000",
    }

    state = state_from_env(env)

    oauth = state.oauth
    settings = (oauth.client_id, oauth.secret.current, oauth.access_ttl, oauth.refresh_ttl, state.seed)
    assert settings == ("app-7", "s", 60.0, 120.0, 9)
    assert (oauth.clock.scale, oauth.clock.epoch) == (30.0, 1_700_000_000.0)


def test_timetracking_main_exits_2_when_the_client_secret_is_missing(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        run("fakes.providers.timetracking", app_from_env, argv=[], env={})

    assert exited.value.code == 2
    assert capsys.readouterr().err == (
        "fakes.providers.timetracking: environment variable TIMETRACKING_CLIENT_SECRET is not set\n"
    )


def test_timetracking_main_exits_2_for_a_token_lifetime_of_zero(capsys: pytest.CaptureFixture[str]) -> None:
    env = {"TIMETRACKING_CLIENT_SECRET": "s", "ACCESS_TOKEN_TTL": "0"}

    with pytest.raises(SystemExit) as exited:
        run("fakes.providers.timetracking", app_from_env, argv=[], env=env)

    assert (exited.value.code, capsys.readouterr().err) == (
        2,
        "fakes.providers.timetracking: ACCESS_TOKEN_TTL must be above 0, not 0.0\n",
    )
