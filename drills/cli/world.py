"""``drillbit world ...``: the deploy tool a person uses on a running world, from a second terminal."""

from __future__ import annotations

import sys
import time
from collections import deque
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, BinaryIO, Final

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from drills.cli.commands import PlainCommand, PlainGroup
from drills.errors import InputError

if TYPE_CHECKING:
    from drills.deploy.client import DeployClient

FOLLOW_INTERVAL_SECONDS: Final = 0.25

world_app = typer.Typer(
    cls=PlainGroup,
    add_completion=False,
    no_args_is_help=True,
    help="The deploy tool: look at a running world, change its settings, back it up.",
)
console = Console()
errors = Console(stderr=True)

WorldName = Annotated[
    str | None,
    typer.Option("--world", metavar="NAME", help="The running world (default: $DRILLBIT_WORLD, else the only one)."),
]
Service = Annotated[str, typer.Argument(metavar="SERVICE", help="A service of the world: app, scheduler, postgres...")]
Force = Annotated[bool, typer.Option("--force", help="Also settings the service does not read, or cannot lack.")]


@world_app.command(cls=PlainCommand)
def status(world: WorldName = None) -> None:
    """Every service: its process, its health, where it answers and the proxy in front of it."""
    with _client(world) as client:
        services = client.status()
    table = Table(title=f"world {client.session.world}")
    for column in ("service", "process", "health"):
        table.add_column(column)
    table.add_column("url", overflow="fold")
    table.add_column("through proxy")
    for service in services:
        table.add_row(
            service.name,
            "running" if service.running else "[red]stopped[/]",
            "[green]healthy[/]" if service.healthy else "[red]unhealthy[/]",
            escape(service.url) or "-",
            service.proxy,
        )
    console.print(table)


@world_app.command(cls=PlainCommand)
def show(
    service: Service,
    reveal: Annotated[bool, typer.Option("--reveal", help="Show secret values instead of ***.")] = False,
    world: WorldName = None,
) -> None:
    """A service's current settings (its environment); secrets are masked unless --reveal."""
    with _client(world) as client:
        settings = client.settings(service, reveal=reveal)
    table = Table(title=f"{service} in world {client.session.world}")
    table.add_column("setting")
    table.add_column("value", overflow="fold")
    for key, value in settings.values.items():
        table.add_row(key, escape(value))
    console.print(table)
    if not reveal:
        console.print("secrets are shown as ***: --reveal shows them", style="dim")


@world_app.command(name="set", cls=PlainCommand)
def set_settings(
    service: Service,
    settings: Annotated[
        list[str],
        typer.Argument(metavar="KEY=VALUE...", help="Settings to set; with --from, a bare KEY copies that setting."),
    ],
    source: Annotated[
        str | None,
        typer.Option("--from", metavar="SERVICE", help="Copy each bare KEY from this service's current settings."),
    ] = None,
    force: Force = False,
    world: WorldName = None,
) -> None:
    """Change a service's settings and redeploy it (started again with its last good settings if it fails)."""
    values = {key: value for key, _, value in (item.partition("=") for item in settings if "=" in item)}
    bare = [item for item in settings if "=" not in item]
    with _client(world) as client:
        line = client.set(service, values, copy_from=source, copy_keys=bare, force=force)
    console.print(line, markup=False, highlight=False)


@world_app.command(cls=PlainCommand)
def unset(
    service: Service,
    keys: Annotated[list[str], typer.Argument(metavar="KEY...", help="Settings to remove.")],
    force: Force = False,
    world: WorldName = None,
) -> None:
    """Remove settings of a service and redeploy it."""
    with _client(world) as client:
        line = client.unset(service, keys, force=force)
    console.print(line, markup=False, highlight=False)


@world_app.command(cls=PlainCommand)
def restart(service: Service, world: WorldName = None) -> None:
    """Restart a service with its current settings."""
    with _client(world) as client:
        line = client.restart(service)
    console.print(line, markup=False, highlight=False)


@world_app.command(cls=PlainCommand)
def logs(
    service: Service,
    lines: Annotated[int, typer.Option("--lines", "-n", min=0, help="How many of the last lines to show.")] = 40,
    follow: Annotated[bool, typer.Option("--follow", "-f", help="Keep printing new lines until Ctrl-C.")] = False,
    world: WorldName = None,
) -> None:
    """A service's log: its last lines, and with --follow what it writes next."""
    with _client(world) as client:
        path = client.log_path(service)
    try:
        with path.open("rb") as log:
            sys.stdout.write(_decoded(b"".join(deque(log, maxlen=lines))))
            sys.stdout.flush()
            if follow:
                _follow(log, path)
    except FileNotFoundError:
        raise InputError(f"{service} has no log yet at {path}") from None


@world_app.command(cls=PlainCommand)
def backup(
    name: Annotated[
        str | None, typer.Option("--name", metavar="NAME", help="The backup's name (default: the UTC time).")
    ] = None,
    world: WorldName = None,
) -> None:
    """Dump the world's database (pg_dump, custom format) into the world's folder."""
    with _client(world) as client:
        line = client.backup(name)
    console.print(line, markup=False, highlight=False)


@world_app.command(cls=PlainCommand)
def backups(world: WorldName = None) -> None:
    """The world's backups, oldest first."""
    with _client(world) as client:
        found = client.backups()
    if not found:
        console.print(f"world {client.session.world} has no backup yet: `drillbit world backup` makes one")
        return
    table = Table(title=f"backups of world {client.session.world}")
    for column in ("name", "created (UTC)", "size"):
        table.add_column(column)
    table.add_column("file", overflow="fold")
    for made in found:
        created = made.created.replace("T", " ").removesuffix("+00:00")
        table.add_row(escape(made.name), created, f"{made.size_bytes:,} B", escape(made.path))
    console.print(table)


@world_app.command(cls=PlainCommand)
def restore(
    name: Annotated[str, typer.Argument(metavar="NAME", help="A backup's name (see `drillbit world backups`).")],
    world: WorldName = None,
) -> None:
    """Restore a backup into the world's database: what it holds replaces what is there, in one transaction."""
    with _client(world) as client:
        line = client.restore(name)
    console.print(line, markup=False, highlight=False)


def _client(world: str | None) -> DeployClient:
    """The deploy client of the world asked for, imported only by the command that calls a world.

    The world is found first, so a command with no world to call answers before the HTTP client is imported.
    """
    from drills.deploy.session import choose_session

    session = choose_session(world)
    from drills.deploy.client import DeployClient

    return DeployClient(session)


def _follow(log: BinaryIO, path: Path) -> None:
    """Prints what is appended to the log until Ctrl-C, or until the world is torn down and its log removed."""
    try:
        while path.exists():
            if path.stat().st_size < log.tell():
                log.seek(0)  # the service started a new log
            written = log.read()
            if written:
                sys.stdout.write(_decoded(written))
                sys.stdout.flush()
            time.sleep(FOLLOW_INTERVAL_SECONDS)
    except KeyboardInterrupt:
        return
    errors.print("the log is gone: its world was torn down")


def _decoded(data: bytes) -> str:
    return data.decode("utf-8", errors="replace")
