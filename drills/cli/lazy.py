"""Commands whose modules are imported only when the command runs.

`drillbit --help` lists each of them by the name and help below and imports none of their modules; running a
command (or asking for its ``--help``) imports its module and builds the real command, as typer builds every
other one. A test checks that each help below is the real command's.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

import typer
from typer.main import get_command

from drills.cli.commands import PlainCommand, PlainGroup

if TYPE_CHECKING:
    from typer._click import Command, Context, HelpFormatter


@dataclass(frozen=True)
class Lazy:
    """Where a command lives (a function, or a typer app of subcommands) and the help its listing shows."""

    module: str
    attribute: str
    help: str


COMMANDS: Final = {
    "list": Lazy("drills.cli.drill", "list_scenarios", "List every scenario: id, world, severity, faults, title."),
    "show": Lazy(
        "drills.cli.drill",
        "show",
        "Show one scenario: what breaks, how it is noticed, the response and what is checked.",
    ),
    "validate": Lazy(
        "drills.cli.drill",
        "validate",
        "Check scenario files; every problem of every file is printed as file:line: message.",
    ),
    "run": Lazy(
        "drills.cli.drill",
        "run",
        "Drill scenarios with the automated responder; exit 1 unless every drill passed.",
    ),
    "ci": Lazy(
        "drills.cli.drill",
        "ci",
        "Drill every scenario and write one JUnit file; exit 1 unless every drill passed.",
    ),
    "merge": Lazy(
        "drills.cli.drill",
        "merge",
        "Merge a sharded CI run's reports: one JUnit file, runbook coverage and a summary; exit 1 unless all passed.",
    ),
    "coverage": Lazy(
        "drills.cli.coverage",
        "coverage",
        "Runbook coverage: every runbook block, the drills that ran it and how they went; blocks never run by "
        "file:line.",
    ),
    "report": Lazy("drills.cli.drill", "report", "Render report.md and junit.xml again from a saved report.json."),
    "play": Lazy(
        "drills.play.command",
        "play",
        "Respond to an incident yourself: get paged, investigate, fix it with the runbook, and get a score.",
    ),
    "shell": Lazy(
        "drills.cli.shell",
        "shell",
        "A shell with the world's variables (APP_URL, DATABASE_URL, PG*, REDIS_URL...) and psql, redis-cli on PATH.",
    ),
    "world": Lazy(
        "drills.cli.world",
        "world_app",
        "The deploy tool: look at a running world, change its settings, back it up.",
    ),
}
"""Each lazy command, in the order `drillbit --help` lists them after the app's own."""


def placeholder() -> None:
    """Stands in for a lazy command in the listing; `LazyGroup` runs the real command in its place."""
    raise NotImplementedError("LazyGroup builds the real command from its module before it runs")


def add_lazy_commands(app: typer.Typer) -> None:
    """Lists every lazy command on ``app`` (a ``LazyGroup`` app) by its placeholder."""
    for name, lazy in COMMANDS.items():
        app.command(name=name, help=lazy.help)(placeholder)


class LazyGroup(PlainGroup):
    """A group that resolves a lazy command's placeholder to the real command when the command is called."""

    def resolve_command(self, ctx: Context, args: list[str]) -> tuple[str | None, Command | None, list[str]]:
        name, command, rest = super().resolve_command(ctx, args)
        if name in COMMANDS:
            command = real_command(name)
        return name, command, rest

    def format_help(self, ctx: Context, formatter: HelpFormatter) -> None:
        """The group's page, printed by `drills.cli.help_page` rather than typer's heavier formatter."""
        from drills.cli.help_page import print_help

        print_help(self, ctx)


def real_command(name: str) -> Command:
    """The click command (or group) of a lazy command, built from its module's function or typer app."""
    lazy = COMMANDS[name]
    found = getattr(importlib.import_module(lazy.module), lazy.attribute)
    if isinstance(found, typer.Typer):
        return get_command(found)
    single = typer.Typer(add_completion=False)
    single.command(name=name, cls=PlainCommand)(found)
    return get_command(single)
