"""Which runtime a command drills on: --runtime, else $DRILLBIT_RUNTIME, else local; a wrong name is exit 2."""

from __future__ import annotations

import pytest

from drills.errors import InputError
from drills.runtimes.choice import RUNTIME_VARIABLE, runtime_name, runtime_named
from drills.runtimes.local.runtime import LocalRuntime
from tests.drills.cli.cli_runs import drillbit


def test_the_runtime_is_the_option_else_the_variable_else_local(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(RUNTIME_VARIABLE, raising=False)
    assert (runtime_name(), isinstance(runtime_named(), LocalRuntime)) == ("local", True)
    monkeypatch.setenv(RUNTIME_VARIABLE, "docker")
    assert (runtime_name(), runtime_name("local"), runtime_named().name) == ("docker", "local", "docker")


def test_a_runtime_that_does_not_exist_names_the_closest(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(RUNTIME_VARIABLE, "dokcer")

    with pytest.raises(InputError, match=r"\$DRILLBIT_RUNTIME: no runtime 'dokcer'; did you mean 'docker'\?"):
        runtime_name()
    with pytest.raises(InputError, match=r"--runtime: no runtime 'k8s'\nHint: runtimes: local, docker$"):
        runtime_name("k8s")


def test_up_on_docker_with_no_engine_says_so_in_one_line_and_starts_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DOCKER_HOST", "unix:///nonexistent/docker.sock")

    done = drillbit("up", "--runtime", "docker")

    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        "error: no Docker engine answers at unix:///nonexistent/docker.sock (no such file or directory): start one, "
        "or use the local runtime"
    ]
