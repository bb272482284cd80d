"""`drillbit world ...` run as a person runs it, from another process, against a real world and its deploy server."""

from __future__ import annotations

import os
import re
import select
import signal
import ssl
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from drills.deploy.actions import list_backups
from drills.deploy.client import DeployClient
from drills.deploy.server import DeployServer
from drills.deploy.session import Session
from drills.runtimes.local.world import LocalWorld
from drills.world.protocol import World
from drills.world.worlds import world_spec

pytestmark = pytest.mark.world

ROOT = Path(__file__).parents[3]
WAIT_SECONDS = 30.0
SERVICES = "postgres, redis, toxiproxy, timetracking, mail, app, scheduler"


@pytest.fixture(scope="module")
def local_world(world: World) -> LocalWorld:
    assert isinstance(world, LocalWorld)
    return world


@pytest.fixture(scope="module")
def told() -> list[str]:
    return []


@pytest.fixture(scope="module", autouse=True)
def server(local_world: LocalWorld, told: list[str]) -> Iterator[DeployServer]:
    with DeployServer(local_world, local_world.directory, on_action=told.append) as running:
        yield running


def _env(home: Path) -> dict[str, str]:
    inherited = {key: value for key, value in os.environ.items() if key not in ("DRILLBIT_WORLD", "FORCE_COLOR")}
    return inherited | {"DRILLBIT_HOME": str(home), "COLUMNS": "200"}


def drillbit(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "drills.cli", *args],
        cwd=ROOT,
        env=_env(home),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=90,
        check=False,
    )


def _rows(table: str) -> list[list[str]]:
    """The cells of each body row of a rich table."""
    return [[cell.strip() for cell in line.split("│")[1:-1]] for line in table.splitlines() if line.startswith("│")]


def _process_env(world: LocalWorld, service: str) -> dict[str, str]:
    raw = Path(f"/proc/{world.processes[service].pid}/environ").read_bytes()
    return dict(item.decode().partition("=")[::2] for item in raw.split(b"\0") if item)


def test_world_set_from_copies_another_services_setting_into_the_running_service(
    local_world: LocalWorld, deploy_home: Path, told: list[str]
) -> None:
    local_world.redeploy("scheduler", {"SCHEDULER_SECRET": "stale-secret"})
    done = drillbit(deploy_home, "world", "set", "scheduler", "SCHEDULER_SECRET", "--from", "app")
    line = "world set scheduler SCHEDULER_SECRET (from app): redeployed"
    secret = local_world.secrets["scheduler_secret"]
    assert (done.returncode, done.stdout, told[-1:]) == (0, f"{line}\n", [line]), done.stderr
    assert _process_env(local_world, "scheduler")["SCHEDULER_SECRET"] == secret
    assert local_world.settings("scheduler")["SCHEDULER_SECRET"] == secret


def test_world_show_masks_secrets_unless_revealed(local_world: LocalWorld, deploy_home: Path) -> None:
    masked = drillbit(deploy_home, "world", "show", "app")
    revealed = drillbit(deploy_home, "world", "show", "app", "--reveal")
    settings = dict(local_world.settings("app"))
    assert dict(_rows(revealed.stdout)) == settings
    shown = dict(_rows(masked.stdout))
    assert [shown["SCHEDULER_SECRET"], shown["ADMIN_API_KEY"], shown["TENANT_COUNT"]] == ["***", "***", "20"]
    assert shown["DATABASE_URL"] == settings["DATABASE_URL"].replace(local_world.secrets["postgres_password"], "***")
    assert [secret for secret in local_world.secrets.values() if secret in masked.stdout] == []


def test_world_set_and_unset_redeploy_with_and_without_a_setting(
    local_world: LocalWorld, deploy_home: Path, told: list[str]
) -> None:
    # Settings the scheduler does not read: --force sets them all the same.
    added = drillbit(deploy_home, "world", "set", "scheduler", "DRILL_NOTE=hello", "DRILL_TOKEN=t0k3n", "--force")
    present = _process_env(local_world, "scheduler")
    removed = drillbit(deploy_home, "world", "unset", "scheduler", "DRILL_NOTE", "DRILL_TOKEN")
    lines = [
        "world set scheduler DRILL_NOTE=hello DRILL_TOKEN=***: redeployed",
        "world unset scheduler DRILL_NOTE DRILL_TOKEN: redeployed",
    ]
    assert [added.stdout, removed.stdout] == [f"{line}\n" for line in lines], added.stderr + removed.stderr
    assert told[-2:] == lines
    assert (present["DRILL_NOTE"], present["DRILL_TOKEN"]) == ("hello", "t0k3n")
    assert {"DRILL_NOTE", "DRILL_TOKEN"} & set(_process_env(local_world, "scheduler")) == set()


def test_world_set_refuses_what_the_service_does_not_take_before_stopping_it(
    local_world: LocalWorld, deploy_home: Path, told: list[str]
) -> None:
    before, count = local_world.processes["app"].pid, len(told)
    refused = [
        drillbit(deploy_home, "world", "set", "app", setting)
        for setting in ("DB_POOL_SIZE=-1", "DB_POOL_SIZE=abc", "DB_POOL_SIZ=3")
    ]
    assert [(done.returncode, done.stdout, done.stderr.splitlines()[:2]) for done in refused] == [
        (2, "", ["error: app cannot take DB_POOL_SIZE=-1: DB_POOL_SIZE is a whole number, 1 or more", _NOTHING]),
        (2, "", ["error: app cannot take DB_POOL_SIZE=abc: DB_POOL_SIZE is a whole number, 1 or more", _NOTHING]),
        (
            2,
            "",
            ["error: app does not read DB_POOL_SIZ", f"Hint: did you mean 'DB_POOL_SIZE'? app reads {_reads('app')}"],
        ),
    ]
    assert (local_world.processes["app"].pid, local_world.healthy("app"), told[count:]) == (before, True, [])


_NOTHING = "Hint: nothing was changed"


def _reads(service: str) -> str:
    names = world_spec().service(service).setting_names()
    return f"{', '.join(names)}; --force sets it anyway"


def test_world_set_starts_a_service_that_fails_with_its_new_settings_again_with_its_last_good_ones(
    local_world: LocalWorld, deploy_home: Path, told: list[str]
) -> None:
    # A URL the declaration takes, but the scheduler (which calls only http:// or https://) exits on.
    app_url = local_world.settings("scheduler")["APP_URL"]
    done = drillbit(deploy_home, "world", "set", "scheduler", "APP_URL=ftp://127.0.0.1:9")
    action = "world set scheduler APP_URL=ftp://127.0.0.1:9"
    failed, rolled_back = (
        "service 'scheduler' did not start: it exited",
        "rolled back: scheduler runs again with its last good settings",
    )
    assert (done.returncode, done.stdout, done.stderr.splitlines()[:2]) == (1, "", [f"error: {failed}", rolled_back])
    assert told[-2:] == [f"{action}: failed: {failed}", f"{action}: {rolled_back}"]
    running = _process_env(local_world, "scheduler")["APP_URL"]
    assert (local_world.healthy("scheduler"), running, local_world.settings("scheduler")["APP_URL"]) == (
        True,
        app_url,
        app_url,
    )


def test_world_restart_runs_a_new_healthy_process(local_world: LocalWorld, deploy_home: Path) -> None:
    before = local_world.processes["app"].pid
    done = drillbit(deploy_home, "world", "restart", "app")
    assert (done.returncode, done.stdout) == (0, "world restart app: restarted\n"), done.stderr
    assert (local_world.processes["app"].pid != before, local_world.healthy("app")) == (True, True)


def test_world_client_loads_no_certificate_store(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the deploy client loaded a certificate store for plain HTTP on a unix socket")

    monkeypatch.setattr(ssl.SSLContext, "load_verify_locations", refuse)
    session = Session("world-1", tmp_path / "deploy.sock", tmp_path, os.getpid(), None, {})
    with DeployClient(session) as client:
        assert client.session == session


def test_world_status_shows_every_service_running_and_healthy(deploy_home: Path) -> None:
    done = drillbit(deploy_home, "world", "status")
    assert [row[:3] for row in _rows(done.stdout)] == [
        [service, "running", "healthy"] for service in SERVICES.split(", ")
    ], done.stderr


def test_world_logs_prints_the_last_lines(local_world: LocalWorld, deploy_home: Path) -> None:
    path = local_world.log_path("toxiproxy")
    with path.open("a") as log:
        log.write("first marker\nsecond marker\n")
    done = drillbit(deploy_home, "world", "logs", "toxiproxy", "--lines", "2")
    assert (done.returncode, done.stdout) == (0, "first marker\nsecond marker\n"), done.stderr


def test_world_logs_follow_prints_new_lines_until_ctrl_c(local_world: LocalWorld, deploy_home: Path) -> None:
    follow = subprocess.Popen(
        [sys.executable, "-m", "drills.cli", "world", "logs", "toxiproxy", "--lines", "0", "--follow"],
        cwd=ROOT,
        env=_env(deploy_home),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        seen = _wait_for_line(follow, local_world.log_path("toxiproxy"), "appended while following\n")
        follow.send_signal(signal.SIGINT)
        code = follow.wait(timeout=WAIT_SECONDS)
    finally:
        follow.kill()
        follow.communicate(timeout=WAIT_SECONDS)
    assert (seen, code) == ("appended while following\n", 0)


def _wait_for_line(follow: subprocess.Popen[str], path: Path, line: str) -> str:
    """Appends the line (again, every half second, in case the follower was not reading yet) until it is printed."""
    assert follow.stdout is not None
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        with path.open("a") as log:
            log.write(line)
        ready, _, _ = select.select([follow.stdout], [], [], 0.5)
        if ready:
            return follow.stdout.readline()
    raise AssertionError(f"{line!r} was never printed")


def test_world_backup_and_restore_bring_the_data_back(
    local_world: LocalWorld, deploy_home: Path, told: list[str]
) -> None:
    url = local_world.endpoints["postgres"].url
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute("CREATE TABLE drill_rows (n integer)")
        connection.execute("INSERT INTO drill_rows SELECT generate_series(1, 3)")
        made = drillbit(deploy_home, "world", "backup", "--name", "before")
        connection.execute("DELETE FROM drill_rows WHERE n > 1")
        connection.execute("INSERT INTO drill_rows VALUES (99)")
        restored = drillbit(deploy_home, "world", "restore", "before")
        rows = connection.execute("SELECT n FROM drill_rows ORDER BY n").fetchall()
    listed = drillbit(deploy_home, "world", "backups")
    assert re.fullmatch(r"world backup before: written \([0-9.]+ kB\)\n", made.stdout), made.stderr
    assert restored.stdout == "world restore before: restored into database drillbit\n", restored.stderr
    assert rows == [(1,), (2,), (3,)]
    assert [row[0] for row in _rows(listed.stdout)] == ["before"]
    assert told[-2:] == [made.stdout.strip(), restored.stdout.strip()]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("show", "schedular"), "world {world} has no service 'schedular'\nHint: its services are: " + SERVICES),
        (("unset", "app", "NOPE"), "service 'app' has no setting NOPE\nHint: its settings are: {app_settings}"),
        (("restore", "never-made"), "world {world} has no backup 'never-made'\nHint: {backups}"),
    ],
    ids=["service", "setting", "backup"],
)
def test_world_commands_refuse_unknown_names_with_exit_code_2(
    local_world: LocalWorld, deploy_home: Path, args: tuple[str, ...], message: str
) -> None:
    names = [backup.name for backup in list_backups(local_world.directory)]
    expected = message.format(
        world=local_world.name,
        app_settings=", ".join(sorted(local_world.settings("app"))),
        backups=f"its backups are: {', '.join(names)}" if names else "make one with `drillbit world backup`",
    )
    done = drillbit(deploy_home, "world", *args)
    assert (done.returncode, done.stdout, done.stderr) == (2, "", f"error: {expected}\n")
