"""A local world's processes and files: each process carries the world's tag, and the world's folder is its own."""

from __future__ import annotations

import json
import os
import shutil
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from drills.clock import SystemClock
from drills.runtimes.local.privileges import service_account
from drills.runtimes.local.runtime import LocalRuntime, servers
from drills.runtimes.local.world import LocalWorld
from drills.world.home import default_home, new_world_folder
from drills.world.protocol import WorldOptions
from drills.world.worlds import world_spec

SECRET_NAMES = [name.lower() for name in world_spec().secrets]

pytestmark = pytest.mark.world

# One service of each driver: Postgres, Redis and a Python fake.
SPEC = world_spec().only("postgres", "redis", "mail")


@pytest.fixture(scope="module")
def world() -> Iterator[LocalWorld]:
    home = Path(tempfile.mkdtemp(prefix="drillbit-world-", dir=default_home().parent))
    home.chmod(0o755)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DRILLBIT_HOME", str(home))
        world = LocalRuntime().up(SPEC, WorldOptions())
        yield world
        world.teardown()
    shutil.rmtree(home, ignore_errors=True)


def environment(pid: int) -> dict[str, str]:
    variables = Path(f"/proc/{pid}/environ").read_bytes().decode(errors="replace").split("\0")
    return dict(variable.partition("=")[::2] for variable in variables if "=" in variable)


def test_local_world_every_process_carries_the_world_tag(world: LocalWorld) -> None:
    tags = {name: environment(process.pid).get("DRILLBIT_WORLD_DIR") for name, process in world.processes.items()}

    assert tags == dict.fromkeys(("postgres", "redis", "mail"), str(world.directory))


def test_local_world_folder_and_logs_are_readable_by_their_owner_alone(world: LocalWorld) -> None:
    """Nothing in the folder grants anything to others; only the folder itself grants its group (the account the
    servers run as, when the world's owner is root) a way through, to the files that account owns."""
    account = service_account()
    folder = world.directory.stat()
    opened = []
    for path in sorted(world.directory.rglob("*")):
        found = path.lstat()
        owner = "us" if found.st_uid == os.getuid() else "the servers' account" if account else str(found.st_uid)
        if found.st_mode & 0o077 or (account is not None and found.st_uid not in (os.getuid(), account.uid)):
            opened.append(f"{path.relative_to(world.directory)} {stat.filemode(found.st_mode)} ({owner})")
    logs = {path.name: stat.S_IMODE(path.stat().st_mode) for path in (world.directory / "logs").iterdir()}

    assert (stat.filemode(folder.st_mode), folder.st_uid, folder.st_gid, opened, logs) == (
        "drwx------" if account is None else "drwx--x---",
        os.getuid(),
        os.getgid() if account is None else account.gid,
        [],
        {"postgres.log": 0o600, "redis.log": 0o600, "mail.log": 0o600},
    )


def test_local_world_secrets_are_fresh_for_each_world_whatever_its_seed(drillbit_home: Path) -> None:
    mail_only = SPEC.only("mail")
    first = LocalRuntime().up(mail_only, WorldOptions(seed=0))
    try:
        second = LocalRuntime().up(mail_only, WorldOptions(seed=0))
        second.teardown()
    finally:
        first.teardown()

    shared = [name for name in SECRET_NAMES if first.secrets[name] == second.secrets[name]]
    assert (sorted(first.secrets), shared) == (sorted(SECRET_NAMES), [])


def test_local_world_keeps_its_secrets_in_its_folder_for_its_owner_alone(world: LocalWorld) -> None:
    kept = world.directory / "secrets.json"

    assert (json.loads(kept.read_text()), stat.S_IMODE(kept.stat().st_mode)) == (dict(world.secrets), 0o600)


def test_local_world_shows_no_secret_on_a_command_line(world: LocalWorld) -> None:
    """Anyone on the machine reads a process's command line."""
    commands = {name: Path(f"/proc/{process.pid}/cmdline").read_bytes() for name, process in world.processes.items()}

    shown = sorted(
        (name, secret)
        for name, command in commands.items()
        for secret, value in world.secrets.items()
        if value.encode() in command
    )
    assert (sorted(commands), shown) == (["mail", "postgres", "redis"], [])


def command_line(pid: int) -> str:
    return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()


def test_local_world_starts_a_python_service_warm_and_restarts_it_cold(drillbit_home: Path) -> None:
    world = LocalRuntime().up(world_spec().only("mail"), WorldOptions())
    try:
        first = command_line(world.processes["mail"].pid)
        world.restart("mail")
        again = command_line(world.processes["mail"].pid)
        healthy = world.healthy("mail")
    finally:
        world.teardown()

    assert "warm_start.py fakes.providers.mail" in first
    assert "-m fakes.providers.mail --host 127.0.0.1 --port" in again
    assert healthy is True


def test_local_world_teardown_stops_a_warm_process_whose_turn_never_came(drillbit_home: Path) -> None:
    spec = world_spec().only("mail")
    world = LocalWorld(spec, WorldOptions(), new_world_folder(), servers(), SystemClock())
    world.warm_up()
    services = json.loads((world.directory / "world.json").read_text())["services"]
    waiting = services["mail (warm)"]
    world.teardown()

    assert (Path(f"/proc/{waiting}").exists(), world.directory.exists()) == (False, False)
