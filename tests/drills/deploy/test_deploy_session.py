"""Which running world the deploy tool talks to: the one named, the one in $DRILLBIT_WORLD, or the only one."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from drills.deploy.session import SESSION_FILE, Session, choose_session, running_sessions, write_session
from drills.errors import InputError, UnknownNameError
from drills.world.home import start_time

ROOT = Path(__file__).parents[3]
START_ONE = "Hint: start one with `drillbit play ID` or `drillbit up`"


def _session(home: Path, world: str, pid: int | None = None) -> Session:
    directory = home / "worlds" / world
    directory.mkdir(parents=True)
    owner = os.getpid() if pid is None else pid
    session = Session(world, directory / "deploy.sock", directory, owner, start_time(owner), {"APP_URL": "x"})
    write_session(session)
    return session


def _gone_pid() -> int:
    child = subprocess.Popen(["true"])
    child.wait(timeout=10)
    return child.pid


def test_choose_session_without_a_running_world_says_how_to_start_one(drillbit_home: Path) -> None:
    with pytest.raises(UnknownNameError) as none:
        choose_session(None, {})
    assert str(none.value) == f"no running world\n{START_ONE}"


def test_choose_session_takes_the_only_running_world(drillbit_home: Path) -> None:
    only = _session(drillbit_home, "world-one")
    assert choose_session(None, {}) == only


def test_choose_session_refuses_to_guess_between_several(drillbit_home: Path) -> None:
    _session(drillbit_home, "world-b")
    _session(drillbit_home, "world-a")
    with pytest.raises(InputError) as several:
        choose_session(None, {})
    assert str(several.value) == (
        "2 worlds are running: world-a, world-b\nHint: pick one with --world NAME (or DRILLBIT_WORLD=NAME)"
    )


def test_choose_session_takes_drillbit_world_from_the_environment(drillbit_home: Path) -> None:
    _session(drillbit_home, "world-a")
    chosen = _session(drillbit_home, "world-b")
    assert choose_session(None, {"DRILLBIT_WORLD": "world-b"}) == chosen


def test_choose_session_prefers_the_world_named_to_the_environment(drillbit_home: Path) -> None:
    chosen = _session(drillbit_home, "world-a")
    _session(drillbit_home, "world-b")
    assert choose_session("world-a", {"DRILLBIT_WORLD": "world-b"}) == chosen


def test_choose_session_names_the_running_worlds_when_the_one_asked_for_is_not(drillbit_home: Path) -> None:
    _session(drillbit_home, "world-a")
    with pytest.raises(UnknownNameError) as unknown:
        choose_session(None, {"DRILLBIT_WORLD": "world-gone"})
    assert str(unknown.value) == "no running world named 'world-gone'\nHint: the running worlds are: world-a"


def test_running_sessions_skip_a_dead_harness_and_an_unreadable_file(drillbit_home: Path) -> None:
    alive = _session(drillbit_home, "world-alive")
    _session(drillbit_home, "world-dead", pid=_gone_pid())
    broken = drillbit_home / "worlds" / "world-broken"
    broken.mkdir()
    (broken / SESSION_FILE).write_text("{not json")
    assert running_sessions() == [alive]


def _without_world() -> dict[str, str]:
    return {name: value for name, value in os.environ.items() if name != "DRILLBIT_WORLD"}


def test_world_command_without_a_running_world_exits_2(drillbit_home: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "drills.cli", "world", "status"],
        cwd=ROOT,
        env={**_without_world(), "DRILLBIT_HOME": str(drillbit_home), "COLUMNS": "200"},
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert (done.returncode, done.stdout, done.stderr) == (2, "", f"error: no running world\n{START_ONE}\n")
