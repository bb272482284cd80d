"""`drillbit shell`, run as a person runs it from a second terminal, against a real world."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from drills.deploy.server import DeployServer
from drills.runtimes.local.world import LocalWorld
from drills.world.protocol import World

pytestmark = pytest.mark.world

ROOT = Path(__file__).parents[3]


@pytest.fixture(scope="module", autouse=True)
def server(world: World) -> Iterator[DeployServer]:
    assert isinstance(world, LocalWorld)
    with DeployServer(world, world.directory) as running:
        yield running


def shell(home: Path, user_home: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    # A PGHOST of the harness's own must not reach the shell: it could point psql at a real database.
    inherited = {key: value for key, value in os.environ.items() if key != "DRILLBIT_WORLD"}
    return subprocess.run(
        [sys.executable, "-m", "drills.cli", "shell", *args],
        cwd=ROOT,
        env=inherited
        | {"DRILLBIT_HOME": str(home), "HOME": str(user_home), "SHELL": "/bin/bash", "PGHOST": "db.example.invalid"},
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_shell_command_runs_with_the_worlds_variables_and_tools(
    world: World, deploy_home: Path, tmp_path: Path
) -> None:
    done = shell(deploy_home, tmp_path, "-c", 'echo $APP_URL; echo $DRILLBIT_WORLD $PGHOST; psql -tAc "select 1"')
    expected = f"{world.endpoints['app'].url}\n{world.name} {world.endpoints['postgres'].host}\n1\n"
    assert (done.returncode, done.stdout, done.stderr) == (0, expected, "")


def test_shell_command_exits_with_the_commands_exit_code(deploy_home: Path, tmp_path: Path) -> None:
    done = shell(deploy_home, tmp_path, "-c", "exit 7")
    assert (done.returncode, done.stderr) == (7, "")


def test_shell_interactive_names_the_world_in_a_banner_and_in_the_users_own_prompt(
    world: World, deploy_home: Path, tmp_path: Path
) -> None:
    (tmp_path / ".bashrc").write_text("PS1='custom> '\n")
    done = shell(deploy_home, tmp_path, stdin='echo "prompt=$PS1"; redis-cli -u "$REDIS_URL" ping; exit 3\n')
    assert (done.returncode, done.stdout) == (3, f"prompt=(drillbit {world.name}) custom> \nPONG\n"), done.stderr
    assert done.stderr.splitlines()[0] == (
        f"drillbit shell on world {world.name}: ADMIN_API_KEY, APP_URL, DATABASE_URL, MAIL_URL, "
        "PG*, REDIS_URL, SCHEDULER_URL, TIMETRACKING_URL, TOXIPROXY_URL are set; psql and redis-cli come first on "
        "PATH. `exit` leaves."
    )
