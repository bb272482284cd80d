"""The deploy server and its client over a real unix socket, on a world in memory."""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from drills.deploy import actions
from drills.deploy.client import DeployClient
from drills.deploy.server import DeployServer
from drills.deploy.session import read_session
from drills.errors import InputError, ServiceStartError, UnknownNameError, WorldError
from drills.world.env import connection_env
from drills.world.home import start_time
from tests.drills.deploy.deploy_fake_world import (
    ADMIN_API_KEY,
    DATABASE_URL,
    POSTGRES_PASSWORD,
    SCHEDULER_SECRET,
    FakeWorld,
)


@pytest.fixture
def world(drillbit_home: Path) -> FakeWorld:
    return FakeWorld(logs=drillbit_home / "logs")


@pytest.fixture
def told() -> list[str]:
    return []


@pytest.fixture
def server(world: FakeWorld, drillbit_home: Path, told: list[str]) -> Iterator[DeployServer]:
    # A short folder: a unix socket's path has a limit of about a hundred bytes.
    directory = drillbit_home / "worlds" / world.name
    directory.mkdir(parents=True)
    with DeployServer(world, directory, on_action=told.append) as running:
        yield running


@pytest.fixture
def client(server: DeployServer) -> Iterator[DeployClient]:
    session = read_session(server.session_path)
    assert session is not None
    with DeployClient(session) as connected:
        yield connected


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_deploy_server_writes_a_private_session_file_and_socket(server: DeployServer, world: FakeWorld) -> None:
    session = json.loads(server.session_path.read_text())
    assert session == {
        "world": "world-fake",
        "socket": str(server.socket_path),
        "directory": str(server.directory),
        "owner_pid": os.getpid(),
        "owner_started": start_time(os.getpid()),
        "env": connection_env(world),
    }
    assert (_mode(server.session_path), _mode(server.socket_path)) == (0o600, 0o600)


def test_deploy_server_removes_its_files_when_stopped(server: DeployServer) -> None:
    server.stop()
    assert (server.session_path.exists(), server.socket_path.exists()) == (False, False)


def test_deploy_client_reads_what_the_actions_give(client: DeployClient, world: FakeWorld) -> None:
    assert client.status() == actions.status(world)
    assert client.settings("app") == actions.show_settings(world, "app")
    assert client.settings("app", reveal=True) == actions.show_settings(world, "app", reveal=True)
    assert client.log_path("mail") == world.logs / "mail.log"


def test_deploy_server_tells_each_change_in_one_line_without_a_secret_value(
    client: DeployClient, world: FakeWorld, told: list[str]
) -> None:
    lines = [
        client.set("scheduler", {}, copy_from="app", copy_keys=["SCHEDULER_SECRET"]),
        client.set("app", {"ADMIN_API_KEY": "fresh-admin-key", "DB_POOL_SIZE": "8"}),
        client.unset("app", ["DB_POOL_SIZE"]),
        client.restart("app"),
    ]
    assert (
        told
        == lines
        == [
            "world set scheduler SCHEDULER_SECRET (from app): redeployed",
            "world set app ADMIN_API_KEY=*** DB_POOL_SIZE=8: redeployed",
            "world unset app DB_POOL_SIZE: redeployed",
            "world restart app: restarted",
        ]
    )
    assert world.settings("scheduler")["SCHEDULER_SECRET"] == SCHEDULER_SECRET
    secrets = (SCHEDULER_SECRET, ADMIN_API_KEY, POSTGRES_PASSWORD, "fresh-admin-key")
    assert [secret for secret in secrets if any(secret in line for line in told)] == []


def test_deploy_server_tells_a_failed_change_and_the_client_raises_it(
    client: DeployClient, world: FakeWorld, told: list[str]
) -> None:
    world.fail_with = ServiceStartError("app", "it exited", f"bad password {POSTGRES_PASSWORD}")
    with pytest.raises(WorldError) as failed:
        client.restart("app")
    assert (type(failed.value), str(failed.value)) == (
        WorldError,
        f"service 'app' did not start: it exited\n--- last lines of app's log ---\nbad password {POSTGRES_PASSWORD}",
    )
    assert told == ["world restart app: failed: service 'app' did not start: it exited"]


def test_deploy_server_tells_a_failed_redeploy_and_its_rollback(
    client: DeployClient, world: FakeWorld, told: list[str]
) -> None:
    world.failures = [ServiceStartError("app", "it exited", f"cannot connect with {POSTGRES_PASSWORD}")]
    with pytest.raises(WorldError) as failed:
        client.set("app", {"DATABASE_URL": f"postgresql://postgres:{POSTGRES_PASSWORD}@127.0.0.1:1/drillbit"})
    action = "world set app DATABASE_URL=postgresql://postgres:***@127.0.0.1:1/drillbit"
    assert told == [
        f"{action}: failed: service 'app' did not start: it exited",
        f"{action}: rolled back: app runs again with its last good settings",
    ]
    assert str(failed.value).splitlines()[:2] == [
        "service 'app' did not start: it exited",
        "rolled back: app runs again with its last good settings",
    ]
    assert world.settings("app")["DATABASE_URL"] == DATABASE_URL


def test_deploy_client_passes_force_for_a_setting_the_service_does_not_read(
    client: DeployClient, world: FakeWorld
) -> None:
    with pytest.raises(UnknownNameError):
        client.set("app", {"DRILL_NOTE": "hello"})
    with pytest.raises(InputError):
        client.unset("app", ["ADMIN_API_KEY"])
    client.set("app", {"DRILL_NOTE": "hello"}, force=True)
    client.unset("app", ["ADMIN_API_KEY"], force=True)
    assert world.redeploys == [("app", {"DRILL_NOTE": "hello"}), ("app", {"ADMIN_API_KEY": None})]


def test_deploy_client_raises_a_refused_action_as_its_own_type(
    client: DeployClient, world: FakeWorld, told: list[str]
) -> None:
    with pytest.raises(UnknownNameError) as unknown:
        client.unset("app", ["NOPE"])
    with pytest.raises(InputError) as bare:
        client.set("app", {}, copy_keys=["SCHEDULER_SECRET"])
    assert [str(unknown.value).splitlines()[0], str(bare.value).splitlines()[0]] == [
        "service 'app' has no setting NOPE",
        "no value given for SCHEDULER_SECRET",
    ]
    assert (told, world.redeploys) == ([], [])


def test_deploy_server_survives_a_listener_that_fails(
    world: FakeWorld, drillbit_home: Path, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(line: str) -> None:
        raise RuntimeError("the timeline is full")

    directory = drillbit_home / "w"
    directory.mkdir()
    with DeployServer(world, directory, on_action=broken) as server:
        session = read_session(server.session_path)
        assert session is not None
        with DeployClient(session) as client:
            assert client.restart("app") == "world restart app: restarted"
    assert world.restarts == ["app"]
    assert "the deploy tool's on_action failed" in caplog.text


def test_deploy_client_of_a_stopped_server_says_it_does_not_answer(server: DeployServer, client: DeployClient) -> None:
    server.stop()
    with pytest.raises(WorldError) as silent:
        client.status()
    assert str(silent.value).startswith("the deploy tool of world world-fake does not answer")
