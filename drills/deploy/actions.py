"""What a deploy tool does to a running world: status, settings, redeploys, restarts, backups and restores.

Reads return the plain values of `drills.deploy.results` (the deploy server sends them as JSON). A change to the
world is checked and described first, as a `Change`, and made when asked, so a change that fails can still be told;
no description ever holds a secret value. New settings are checked against what the service declares it reads
(``ServiceSpec.settings``) before anything stops, and a service redeployed with settings it cannot start with is
started again with its last good ones.
"""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Final, Protocol, runtime_checkable

from drills.deploy.results import Backup, ServiceStatus, Settings
from drills.errors import (
    InputError,
    MissingBinaryError,
    RedeployFailedError,
    ServiceStartError,
    UnknownNameError,
    WorldError,
    did_you_mean,
)
from drills.language.templating import SETTING_NAME, SETTING_RULE
from drills.reports import MASK, Redactor, is_secret_name
from drills.world.binaries import companion, find_postgres
from drills.world.env import connection_env
from drills.world.home import TAG_VARIABLE
from drills.world.protocol import World
from drills.world.spec import ServiceSpec

BACKUP_NAME: Final = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")
BACKUP_NAME_RULE: Final = "letters, digits, '.', '_' and '-', starting with a letter or a digit, at most 100"
BACKUP_SUFFIX: Final = ".dump"
TOOL_TIMEOUT_SECONDS: Final = 50.0
# A restore waits this long for a table's lock, then fails saying so, instead of hanging behind a stuck session.
RESTORE_LOCK_TIMEOUT: Final = "20s"
RESTORE_HINT: Final = "a session holding a lock blocks a restore: look at pg_stat_activity with psql"


@runtime_checkable
class _Processes(Protocol):
    def running(self, service: str) -> bool: ...


@dataclass(frozen=True)
class Change:
    """A change to the world, checked and described (without secret values) before it is made."""

    action: str
    make: Callable[[], str]

    def __call__(self) -> str:
        """Makes the change; returns its one line for a person: the action and what happened."""
        return f"{self.action}: {self.make()}"


class Masker:
    """Masks secret settings whole (declared secret, or named like one), and any of the world's secrets inside other
    values (a URL's password)."""

    def __init__(self, world: World) -> None:
        self._redactor = Redactor(world.secrets.values())
        self._secret = {s.name for service in world.spec.services for s in service.settings if s.secret}

    def value(self, key: str, value: str) -> str:
        return MASK if key in self._secret or is_secret_name(key) else self._redactor.text(value)

    def text(self, text: str) -> str:
        return self._redactor.text(text)


# Reading


def check_service(world: World, service: str) -> None:
    names = world.spec.names()
    if service not in names:
        raise UnknownNameError(
            f"world {world.name} has no service {service!r}", hint=f"its services are: {', '.join(names)}"
        )


def status(world: World) -> list[ServiceStatus]:
    """Every service's state, its health checks run at once: a person waits for the slowest, not for their sum."""
    masker = Masker(world)
    names = world.spec.names()
    with ThreadPoolExecutor(max_workers=max(1, len(names))) as pool:
        health = list(pool.map(world.healthy, names))
    found: list[ServiceStatus] = []
    for name, healthy in zip(names, health, strict=True):
        endpoint, proxy = world.endpoints.get(name), world.proxies.get(name)
        running = world.running(name) if isinstance(world, _Processes) else healthy
        url = masker.text(endpoint.url) if endpoint else ""
        found.append(ServiceStatus(name, running, healthy, url, proxy.address if proxy else ""))
    return found


def show_settings(world: World, service: str, *, reveal: bool = False) -> Settings:
    check_service(world, service)
    current = world.settings(service)
    if reveal:
        return Settings(service, dict(sorted(current.items())), revealed=True)
    masker = Masker(world)
    return Settings(service, {key: masker.value(key, current[key]) for key in sorted(current)}, revealed=False)


def log_path(world: World, service: str) -> Path:
    check_service(world, service)
    return world.log_path(service)


# Changing settings and processes


def set_settings(
    world: World,
    service: str,
    values: Mapping[str, str],
    *,
    copy_from: str | None = None,
    copy_keys: Sequence[str] = (),
    force: bool = False,
) -> Change:
    """Set KEY=VALUE settings and settings copied from another service's current ones, then redeploy.

    Refused before anything stops: a value the service's declaration does not take, and (unless ``force``) a
    setting the service does not read."""
    check_service(world, service)
    for key in [*values, *copy_keys]:
        _check_setting_name(key)
    if copy_keys and copy_from is None:
        raise InputError(
            f"no value given for {', '.join(copy_keys)}",
            hint="write KEY=VALUE, or copy KEY from another service's settings with --from SERVICE",
        )
    if not values and not copy_keys:
        raise InputError("nothing to set", hint="name at least one KEY=VALUE (or KEY with --from SERVICE)")
    copied = _copied(world, copy_from, copy_keys) if copy_from is not None else {}
    masker = Masker(world)
    spec = world.spec.service(service)
    if not force:
        _check_read(spec, [*values, *copied])
    _check_values(spec, {**values, **copied}, masker)
    said = [f"{key}={masker.value(key, value)}" for key, value in values.items()]
    said += [f"{key} (from {copy_from})" for key in copied]
    return _redeploy(world, service, f"world set {service} {' '.join(said)}", {**values, **copied})


def unset_settings(world: World, service: str, keys: Sequence[str], *, force: bool = False) -> Change:
    """Remove settings, then redeploy; a setting the service cannot start without is kept unless ``force``."""
    check_service(world, service)
    if not keys:
        raise InputError("nothing to unset", hint="name at least one setting")
    _check_present(world, service, keys)
    if not force:
        _check_not_required(world.spec.service(service), keys)
    return _redeploy(world, service, f"world unset {service} {' '.join(keys)}", dict.fromkeys(keys))


def restart(world: World, service: str) -> Change:
    check_service(world, service)

    def make() -> str:
        world.restart(service)
        return "restarted"

    return Change(f"world restart {service}", make)


def _redeploy(world: World, service: str, action: str, changes: dict[str, str | None]) -> Change:
    def make() -> str:
        before = world.settings(service)
        was_healthy = world.healthy(service)
        try:
            world.redeploy(service, changes)
        except ServiceStartError as failure:
            last_good = {key: before.get(key) for key in changes} if was_healthy else None
            raise RedeployFailedError(failure, _roll_back(world, service, last_good)) from failure
        return "redeployed"

    return Change(action, make)


def _roll_back(world: World, service: str, last_good: Mapping[str, str | None] | None) -> str:
    """Starts the service again with the settings it ran healthily with before the change; what happened, in words.

    A service that was not healthy before (a fault started it with bad settings) has no last good settings to go
    back to: it is left as the change left it, for the responder to fix."""
    if last_good is None:
        return f"not rolled back: {service} was not healthy before this change either, so it has no last good settings"
    try:
        world.redeploy(service, last_good)
    except ServiceStartError as again:
        return f"rollback failed: {again.message.splitlines()[0]}"
    return f"rolled back: {service} runs again with its last good settings"


def _check_read(spec: ServiceSpec, keys: Sequence[str]) -> None:
    unread = [key for key in keys if spec.setting(key) is None]
    if not unread:
        return
    reads = ", ".join(spec.setting_names()) or "no setting"
    guess = did_you_mean(unread[0], spec.setting_names())
    raise UnknownNameError(
        f"{spec.name} does not read {', '.join(unread)}",
        hint=f"{guess + ' ' if guess else ''}{spec.name} reads {reads}; --force sets it anyway",
    )


def _check_values(spec: ServiceSpec, values: Mapping[str, str], masker: Masker) -> None:
    refused = [
        f"{spec.name} cannot take {key}={masker.value(key, value)}: {key} is {setting.rule()}"
        for key, value in values.items()
        if (setting := spec.setting(key)) is not None and not setting.accepts(value)
    ]
    if refused:
        raise InputError("; ".join(refused), hint="nothing was changed")


def _check_not_required(spec: ServiceSpec, keys: Sequence[str]) -> None:
    required = [key for key in keys if (setting := spec.setting(key)) is not None and setting.required]
    if required:
        raise InputError(
            f"{spec.name} cannot start without {', '.join(required)}",
            hint="set another value with `drillbit world set`, or --force unsets it anyway",
        )


def _check_setting_name(key: str) -> None:
    if not SETTING_NAME.fullmatch(key):
        raise InputError(f"{key!r} is not a setting name", hint=f"a setting name is {SETTING_RULE}")


def _check_present(world: World, service: str, keys: Sequence[str]) -> None:
    current = world.settings(service)
    missing = [key for key in keys if key not in current]
    if missing:
        raise UnknownNameError(
            f"service {service!r} has no setting {', '.join(missing)}",
            hint=f"its settings are: {', '.join(sorted(current)) or 'none'}",
        )


def _copied(world: World, source: str, keys: Sequence[str]) -> dict[str, str]:
    check_service(world, source)
    _check_present(world, source, keys)
    current = world.settings(source)
    return {key: current[key] for key in keys}


# Backups of the world's database


def backup_name(moment: datetime) -> str:
    """The default name of a backup: its UTC time, like 20261123T101500Z."""
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def list_backups(directory: Path) -> list[Backup]:
    """The backups in a world's folder, oldest first."""
    found = []
    for path in (directory / "backups").glob(f"*{BACKUP_SUFFIX}"):
        stat = path.stat()
        created = datetime.fromtimestamp(stat.st_mtime, UTC).isoformat(timespec="seconds")
        found.append(Backup(path.name.removesuffix(BACKUP_SUFFIX), str(path), stat.st_size, created))
    return sorted(found, key=lambda backup: (backup.created, backup.name))


def backup(world: World, directory: Path, name: str) -> Change:
    """pg_dump (custom format) of the world's database to ``<directory>/backups/<name>.dump``."""
    path = _backup_path(directory, name)
    if path.exists():
        raise InputError(f"a backup named {name!r} already exists", hint="pick another name with --name NAME")
    env = _postgres_env(world)

    def make() -> str:
        path.parent.mkdir(mode=0o700, exist_ok=True)
        partial = path.with_name(f".{path.name}.partial")
        try:
            _run_postgres_tool("pg_dump", ["--format=custom", f"--file={partial}"], env)
            partial.replace(path)
        finally:
            partial.unlink(missing_ok=True)
        return f"written ({_size(path.stat().st_size)})"

    return Change(f"world backup {name}", make)


def restore(world: World, directory: Path, name: str) -> Change:
    """pg_restore of a backup into the world's database, replacing what the backup holds, in one transaction."""
    path = _backup_path(directory, name)
    if not path.is_file():
        names = [found.name for found in list_backups(directory)]
        raise UnknownNameError(
            f"world {world.name} has no backup {name!r}",
            hint=f"its backups are: {', '.join(names)}" if names else "make one with `drillbit world backup`",
        )
    env = _postgres_env(world) | {"PGOPTIONS": f"-c lock_timeout={RESTORE_LOCK_TIMEOUT}"}
    database = env["PGDATABASE"]

    def make() -> str:
        arguments = ["--clean", "--if-exists", "--no-owner", "--single-transaction", f"--dbname={database}"]
        _run_postgres_tool("pg_restore", [*arguments, str(path)], env, hint=RESTORE_HINT)
        return f"restored into database {database}"

    return Change(f"world restore {name}", make)


def _backup_path(directory: Path, name: str) -> Path:
    if not BACKUP_NAME.fullmatch(name):
        raise InputError(f"{name!r} is not a backup name", hint=f"a backup name is {BACKUP_NAME_RULE} characters")
    return directory / "backups" / f"{name}{BACKUP_SUFFIX}"


def _postgres_env(world: World) -> dict[str, str]:
    """The harness's environment with every PG* variable replaced by the world's own database's, and the world's
    tag: a pg_dump still running when the harness dies goes with the world."""
    connection = {key: value for key, value in connection_env(world).items() if key.startswith("PG")}
    if not connection:
        raise UnknownNameError(f"world {world.name} has no postgres service", hint="there is nothing to back up")
    inherited = {key: value for key, value in os.environ.items() if not key.startswith("PG")}
    return inherited | connection | {TAG_VARIABLE: str(world.directory)}


def _run_postgres_tool(name: str, arguments: list[str], env: Mapping[str, str], *, hint: str | None = None) -> None:
    server = find_postgres()
    tool = companion(server, name)
    if tool is None:
        raise MissingBinaryError(f"{name} was not found beside {server.path}", hint="run `drillbit doctor`")
    try:
        done = subprocess.run(
            [str(tool), *arguments],
            env=dict(env),
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=TOOL_TIMEOUT_SECONDS,
            check=False,
        )
    except subprocess.TimeoutExpired as late:
        raise WorldError(f"{name} did not finish within {TOOL_TIMEOUT_SECONDS:.0f}s") from late
    if done.returncode != 0:
        said = " ".join(done.stderr.split()[-60:]) or "no message"
        raise WorldError(f"{name} failed (exit code {done.returncode}): {said}", hint=hint)


def _size(size_bytes: int) -> str:
    if size_bytes < 1000:
        return f"{size_bytes} B"
    if size_bytes < 1_000_000:
        return f"{size_bytes / 1000:.1f} kB"
    return f"{size_bytes / 1_000_000:.1f} MB"
