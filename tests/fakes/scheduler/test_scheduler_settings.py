"""The scheduler reads its configuration from the environment; a bad one stops it with exit status 2."""

from __future__ import annotations

import pytest

from fakes.kit.service import run
from fakes.scheduler import app_from_env, state_from_env

ENV = {"APP_URL": "http://127.0.0.1:8000/", "SCHEDULER_SECRET": "s"}


def test_scheduler_state_from_env_reads_every_setting() -> None:
    env = {**ENV, "TICK_INTERVAL": "60", "TICK_TIMEOUT": "1.5", "DRILLBIT_TIME_SCALE": "900", "CATCH_UP": "true"}

    state = state_from_env(env)

    settings = (state.app_url, state.secret, state.tick_interval, state.timeout, state.clock.scale, state.catch_up)
    assert settings == ("http://127.0.0.1:8000", "s", 60, 1.5, 900.0, True)


def test_scheduler_state_from_env_defaults_to_a_15_minute_tick() -> None:
    assert (state_from_env(ENV).tick_interval, state_from_env(ENV).timeout, state_from_env(ENV).catch_up) == (
        900,
        10.0,
        False,
    )


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"SCHEDULER_SECRET": "s"}, "environment variable APP_URL is not set"),
        ({"APP_URL": "http://app"}, "environment variable SCHEDULER_SECRET is not set"),
        ({**ENV, "APP_URL": "app:8000"}, "APP_URL must be an http:// or https:// URL, not 'app:8000'"),
        ({**ENV, "TICK_INTERVAL": "0"}, "TICK_INTERVAL must be 1 scenario second or more, not 0"),
        ({**ENV, "TICK_INTERVAL": "1.5"}, "environment variable TICK_INTERVAL='1.5' is not a whole number"),
        ({**ENV, "TICK_TIMEOUT": "0"}, "TICK_TIMEOUT must be above 0, not 0.0"),
        ({**ENV, "CATCH_UP": "maybe"}, "environment variable CATCH_UP='maybe' is not true or false"),
    ],
)
def test_scheduler_main_exits_2_with_one_line_for_a_bad_setting(
    env: dict[str, str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        run("fakes.scheduler", app_from_env, argv=[], env=env)

    assert (exited.value.code, capsys.readouterr().err) == (2, f"fakes.scheduler: {message}\n")
