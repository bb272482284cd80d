"""The mail provider reads its configuration from the environment."""

from __future__ import annotations

import pytest

from fakes.kit.service import run
from fakes.providers.mail import app_from_env, state_from_env


def test_mail_state_from_env_reads_the_key_and_the_clock() -> None:
    state = state_from_env({"MAIL_API_KEY": "k", "DRILLBIT_TIME_SCALE": "60"})

    assert (state.credential.current, state.clock.scale) == ("k", 60.0)


def test_mail_main_exits_2_when_the_key_is_missing(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        run("fakes.providers.mail", app_from_env, argv=[], env={})

    assert (exited.value.code, capsys.readouterr().err) == (
        2,
        "fakes.providers.mail: environment variable MAIL_API_KEY is not set\n",
    )
