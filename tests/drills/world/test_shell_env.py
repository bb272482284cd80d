"""The environment a drill's shell gets: the world's addresses and credentials, its tools first on PATH."""

from __future__ import annotations

import os
import sys
from dataclasses import replace

import pytest

from drills.world.binaries import companion, find_postgres, find_redis
from drills.world.context import DrillContext
from drills.world.env import connection_env, world_shell_env
from tests.drills.probes.probe_world import ProbeWorld


def test_world_shell_env_is_the_world_plus_a_few_harmless_variables(
    context: DrillContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in list(os.environ):
        monkeypatch.delenv(name)
    monkeypatch.setenv("PATH", "/usr/bin:/bin")
    monkeypatch.setenv("HOME", "/home/oncall")
    monkeypatch.setenv("LC_ALL", "C.UTF-8")
    monkeypatch.setenv("DATABASE_URL", "postgresql://prod.example/db")
    monkeypatch.setenv("DRILLBIT_HOME", "/tmp/drills-here")
    env = world_shell_env(context)
    assert {name: value for name, value in env.items() if name != "PATH"} == {
        "HOME": "/home/oncall",
        "LC_ALL": "C.UTF-8",
        "DRILLBIT_HOME": "/tmp/drills-here",
        "DRILLBIT_WORLD": context.world.name,
        "DRILLBIT_WORLD_DIR": str(context.world.directory),
        **connection_env(context.world),
    }


def test_world_shell_env_puts_psql_and_redis_cli_first_on_path(
    context: DrillContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", "/usr/bin:/bin")
    psql, redis_cli = companion(find_postgres(), "psql"), companion(find_redis(), "redis-cli")
    assert psql is not None
    assert redis_cli is not None
    expected = [str(psql.parent), str(redis_cli.parent), os.path.dirname(sys.executable), "/usr/bin", "/bin"]
    assert world_shell_env(context)["PATH"].split(os.pathsep) == list(dict.fromkeys(expected))


def test_world_shell_env_names_only_the_services_the_world_has(probe_world: ProbeWorld, context: DrillContext) -> None:
    bare = replace(context, world=replace(probe_world, extra={}))
    urls = sorted(name for name in world_shell_env(bare) if name.endswith("_URL"))
    assert urls == ["DATABASE_URL", "REDIS_URL"]
