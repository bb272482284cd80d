"""``drillbit doctor``: which binaries were found, their versions, and what is missing."""

from __future__ import annotations

import platform
import shutil
import subprocess

from rich.console import Console
from rich.table import Table

from drills.binaries import Binary, companion, find_postgres, find_redis
from drills.errors import MissingBinaryError
from drills.runtimes.local import registry
from drills.runtimes.local.privileges import service_account


def _row(table: Table, what: str, found: str, detail: str, ok: bool) -> bool:
    table.add_row(what, "[green]ok[/]" if ok else "[red]missing[/]", found, detail)
    return ok


def _server(table: Table, finder: str) -> Binary | None:
    try:
        binary = find_postgres() if finder == "postgres" else find_redis()
    except MissingBinaryError as error:
        _row(table, finder, "-", str(error), False)
        return None
    _row(table, binary.name, str(binary.path), f"{binary.version} ({binary.source})", True)
    return binary


def _docker_engine() -> str:
    client = shutil.which("docker")
    if client is None:
        return "no docker client"
    done = subprocess.run(
        [client, "info", "--format", "{{.ServerVersion}}"], capture_output=True, text=True, timeout=10
    )
    return f"engine {done.stdout.strip()}" if done.returncode == 0 else "client only, no engine answers"


def report(console: Console) -> bool:
    """Prints the table; True when everything the local runtime needs is there."""
    table = Table(title="drillbit doctor")
    for column in ("what", "status", "found", "detail"):
        table.add_column(column)
    _row(table, "python", platform.python_version(), platform.python_implementation(), True)
    ok = True
    for name, tool in (("postgres", "psql"), ("redis", "redis-cli")):
        server = _server(table, name)
        ok = ok and server is not None
        path = companion(server, tool) if server else None
        _row(table, tool, str(path or "-"), "for `drillbit shell`", path is not None)
    account = service_account()
    who = "the current user" if account is None else f"uid {account.uid} (the harness runs as root)"
    _row(table, "servers run as", who, "Postgres refuses to run as root", True)
    _row(table, "worlds folder", str(registry.worlds_root()), "world files and logs", True)
    table.add_row("docker runtime", "[yellow]optional[/]", _docker_engine(), "tests of it skip without an engine")
    console.print(table)
    return ok
