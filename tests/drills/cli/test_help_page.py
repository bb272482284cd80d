"""`drillbit --help`: every command with the first paragraph of its help, and the group's options."""

from __future__ import annotations

import re

import typer
from rich.console import Console
from typer.main import get_command

from drills.cli import lazy
from drills.cli.app import app
from drills.cli.help_page import print_help
from tests.drills.cli.cli_runs import drillbit


def test_help_lists_every_command_with_its_help_in_the_order_of_the_app() -> None:
    page = drillbit("--help", columns=200)

    assert page.returncode == 0
    rows = re.findall(r"^│ (\S+)\s{2,}(.+?)\s*│$", page.stdout, flags=re.MULTILINE)
    names = [name for name, _ in rows if not name.startswith("-")]
    assert names == ["up", "down", "doctor", *lazy.COMMANDS]
    helps = dict(rows)
    assert all(helps[name] == found.help for name, found in lazy.COMMANDS.items())
    assert helps["--help"] == "Show this message and exit."
    assert re.search(r"Usage: .*drills.cli \[OPTIONS\] COMMAND \[ARGS\]\.\.\.", page.stdout)


def test_help_shows_markup_in_a_help_as_written() -> None:
    made_up = typer.Typer(cls=lazy.LazyGroup, add_completion=False, help="Drills [bold]nothing[/bold].")
    made_up.command("one", help="Keeps [red] as typed; the second paragraph\n\nis not listed.")(lazy.placeholder)
    made_up.command("two", help="Another.")(lazy.placeholder)
    console = Console(width=120, record=True, color_system=None)
    group = get_command(made_up)

    with typer.Context(group, info_name="made-up") as ctx:
        print_help(group, ctx, console)

    page = console.export_text()
    assert "Drills [bold]nothing[/bold]." in page
    assert "Keeps [red] as typed; the second paragraph" in page
    assert "is not listed" not in page


def test_no_command_shows_the_help_and_exits_2() -> None:
    page = drillbit()

    assert page.returncode == 2
    assert "Commands" in page.stdout + page.stderr
    assert get_command(app).name is not None
