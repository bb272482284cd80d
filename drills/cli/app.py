"""The ``drillbit`` command. Errors become exit codes here and nowhere else.

A command imports what it runs in its own body, and the commands of other modules are lazy (`LazyGroup`): so
`drillbit --help` loads typer and rich, and each command only what it needs.
"""

from __future__ import annotations

import contextlib
import signal
import sys
import threading
from collections.abc import Iterator
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.markup import escape

from drills.cli.commands import PlainCommand
from drills.cli.lazy import LazyGroup, add_lazy_commands
from drills.cli.options import RuntimeName, WorldFilePath
from drills.errors import DrillbitError

if TYPE_CHECKING:
    from drills.world.protocol import World

app = typer.Typer(
    cls=LazyGroup, add_completion=False, no_args_is_help=True, help="Drill incidents on a real, small world."
)
console = Console()
errors = Console(stderr=True)
INTERRUPTED = 130

Seed = Annotated[int, typer.Option(help="Seed for every random choice in the world.")]
TimeScale = Annotated[float, typer.Option(help="Scenario seconds per wall second.")]
Tenants = Annotated[int, typer.Option(help="Tenants the app seeds.")]


@app.command(cls=PlainCommand)
def up(
    check: Annotated[bool, typer.Option("--check", help="Check every service, print the table, tear down.")] = False,
    seed: Seed = 0,
    time_scale: TimeScale = 60.0,
    tenants: Tenants = 20,
    product: Annotated[
        str | None,
        typer.Option(
            "--world", help="The world to bring up: a product of the world file (default: scheduled-reports)."
        ),
    ] = None,
    world_file: WorldFilePath = None,
    runtime: RuntimeName = None,
) -> None:
    """Bring a world up and keep it until Ctrl-C."""
    from drills.engine.interrupts import stop_on_terminate
    from drills.runtimes.choice import runtime_named
    from drills.world.protocol import WorldOptions
    from drills.world.worlds import DEFAULT_PRODUCT, world_spec

    spec = world_spec(product or DEFAULT_PRODUCT, world_file)
    chosen = runtime_named(runtime)
    with stop_on_terminate(), ctrl_c_interrupts():
        with console.status(f"bringing the {spec.name} world up..."):
            world = chosen.up(spec, WorldOptions(seed, time_scale, tenants))
        try:
            healthy = show(world)
            if check:
                raise typer.Exit(0 if all(healthy.values()) else 1)
            from drills.deploy.server import DeployServer

            with DeployServer(world, world.directory, on_action=tell_deploy_action):
                console.print(
                    f"[bold]The world {world.name} ({spec.name}) is up.[/] From another terminal, "
                    "`drillbit world status` and `drillbit shell` work on it. Ctrl-C tears it down."
                )
                threading.Event().wait()
        except KeyboardInterrupt:
            console.print("stopping the world...")
            raise  # after the teardown below: exit code 130, as for every interrupted command
        finally:
            world.teardown()


@contextlib.contextmanager
def ctrl_c_interrupts() -> Iterator[None]:
    """Within this block Ctrl-C (SIGINT) raises KeyboardInterrupt, even in a process started with SIGINT ignored, as
    a shell starts `drillbit up &` in a script: Python then keeps ignoring it, and the world would never go."""
    previous = signal.getsignal(signal.SIGINT)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def tell_deploy_action(line: str) -> None:
    console.print(f"deploy tool: {line}", markup=False, highlight=False)


def show(world: World) -> dict[str, bool]:
    from drills.cli.tables import world_table
    from drills.world.env import connection_env

    healthy = {service.name: world.healthy(service.name) for service in world.spec.services}
    console.print(world_table(world, healthy))
    for key, value in connection_env(world).items():
        console.print(f"export {key}={value}", highlight=False, soft_wrap=True)
    return healthy


@app.command(cls=PlainCommand)
def down(
    everything: Annotated[bool, typer.Option("--all", help="Also stop worlds whose harness still runs.")] = False,
) -> None:
    """Remove what a crashed harness left behind: its world's processes (found by their tag) and its folder."""
    from drills.runtimes.local import registry

    found = registry.leftovers(everything)
    for leftover in found:
        stopped = registry.remove(leftover)
        console.print(f"removed {leftover.name} ({_processes(stopped)} stopped)", highlight=False)
    console.print(f"{len(found)} world(s) removed" if found else "nothing to remove", highlight=False)


def _processes(count: int) -> str:
    return f"{count} process{'' if count == 1 else 'es'}"


@app.command(cls=PlainCommand)
def doctor() -> None:
    """Say which binaries and versions were found, and what is missing."""
    from drills.cli import doctor as doctor_module

    ok = doctor_module.report(console)
    raise typer.Exit(0 if ok else 1)


add_lazy_commands(app)


def main() -> None:
    """Entry point: runs the app and turns drillbit's errors into messages and exit codes."""
    skip_httpx_cli()
    try:
        code = app(standalone_mode=False)
    except DrillbitError as error:
        # Unwrapped, so `file:line: message` stays one line at any width; the message is text, not markup.
        errors.print(f"[red]error:[/] {escape(str(error))}", highlight=False, soft_wrap=True)
        sys.exit(error.exit_code)
    except KeyboardInterrupt:
        code = INTERRUPTED
    except typer.Exit as done:
        code = done.exit_code
    except (typer.Abort, EOFError):
        code = 1
    except Exception as usage:  # click's usage errors carry their own exit code
        code = getattr(usage, "exit_code", None)
        if code is None:
            raise
        show_usage = getattr(usage, "show", None)
        if callable(show_usage):
            show_usage()
    # Without standalone mode, click answers Ctrl-C by returning 130 instead of raising.
    if code == INTERRUPTED:
        errors.print("interrupted")
    sys.exit(code if isinstance(code, int) else 0)


def skip_httpx_cli() -> None:
    """Keeps httpx's own command line (``httpx._main``) from loading with httpx: drillbit never runs it.

    httpx imports it whenever click, rich and pygments are installed, which they are here (uvicorn brings click),
    and it costs a command that calls a world about 40 ms of its start. A ``None`` in ``sys.modules`` makes that
    one import fail, which httpx answers with a stub; a process that loaded it already keeps it.
    """
    sys.modules.setdefault("httpx._main", None)  # type: ignore[arg-type]  # None blocks an import, by design


if __name__ == "__main__":
    main()
