"""The messaging provider reads its configuration from the environment."""

from __future__ import annotations

import pytest

from fakes.kit.service import run
from fakes.providers.messaging import app_from_env, state_from_env


def test_messaging_state_from_env_reads_the_key() -> None:
    assert state_from_env({"MESSAGING_API_KEY": "k"}).credential.current == "k"


def test_messaging_main_exits_2_when_the_key_is_missing(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        run("fakes.providers.messaging", app_from_env, argv=[], env={})

    assert (exited.value.code, capsys.readouterr().err) == (
        2,
        "fakes.providers.messaging: environment variable MESSAGING_API_KEY is not set\n",
    )
