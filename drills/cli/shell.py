"""``drillbit shell``: a shell, or one command, with a running world's addresses, credentials and tools."""

from __future__ import annotations

import contextlib
import os
import shlex
import shutil
import subprocess
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Annotated, Final

import typer
from rich.console import Console

from drills.cli.world import WorldName
from drills.deploy.session import WORLD_VARIABLE, Session, choose_session

FALLBACK_SHELL: Final = "/bin/bash"
errors = Console(stderr=True)


def shell(
    world: WorldName = None,
    command: Annotated[
        str | None, typer.Option("-c", "--command", metavar="COMMAND", help="Run this with bash -c, then exit.")
    ] = None,
) -> None:
    """A shell with the world's variables (APP_URL, DATABASE_URL, PG*, REDIS_URL...) and psql, redis-cli on PATH."""
    session = choose_session(world)
    env = session_env(session)
    if command is not None:
        raise typer.Exit(_run([shutil.which("bash") or FALLBACK_SHELL, "-c", command], env))
    errors.print(banner(session), highlight=False, markup=False, soft_wrap=True)
    with _interactive(_user_shell(), session.world) as argv:
        raise typer.Exit(_run(argv, env))


def session_env(session: Session) -> dict[str, str]:
    """The drill's shell environment, plus the world's name and a prompt that names it."""
    from drills.world.env import shell_env

    return shell_env(session.env) | {WORLD_VARIABLE: session.world, "PS1": f"{prompt_prefix(session.world)}\\$ "}


def prompt_prefix(world: str) -> str:
    return f"(drillbit {world}) "


def banner(session: Session) -> str:
    names = sorted({"PG*" if name.startswith("PG") else name for name in session.env})
    return (
        f"drillbit shell on world {session.world}: {', '.join(names)} are set; psql and redis-cli come first "
        "on PATH. `exit` leaves."
    )


def _user_shell() -> str:
    chosen = os.environ.get("SHELL") or FALLBACK_SHELL
    return chosen if Path(chosen).is_file() else FALLBACK_SHELL


@contextlib.contextmanager
def _interactive(program: str, world: str) -> Iterator[list[str]]:
    """The interactive command line; bash gets an rc file that reads the user's own, then names the world."""
    if Path(program).name != "bash":
        yield [program, "-i"]
        return
    prefix = shlex.quote(prompt_prefix(world))
    rc = f'[ -f "$HOME/.bashrc" ] && . "$HOME/.bashrc"\ncase "$PS1" in {prefix}*) ;; *) PS1={prefix}"$PS1" ;; esac\n'
    descriptor, name = tempfile.mkstemp(prefix="drillbit-shell-", suffix=".bashrc")
    try:
        with os.fdopen(descriptor, "w") as file:
            file.write(rc)
        yield [program, "--rcfile", name, "-i"]
    finally:
        os.unlink(name)


def _run(argv: list[str], env: Mapping[str, str]) -> int:
    """Runs the child to its end; Ctrl-C is the child's to handle, not ours. Its exit code, as a shell gives it."""
    child = subprocess.Popen(argv, env=dict(env))
    while True:
        try:
            code = child.wait()
        except KeyboardInterrupt:
            continue
        return code if code >= 0 else 128 - code
