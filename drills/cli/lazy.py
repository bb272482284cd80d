"""Commands defined outside the CLI, in modules too heavy to import for every command.

The app lists such a command from a placeholder of the same name and help; only running it (or asking for its
``--help``) imports its module and builds the real command, as typer builds every other one.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Final

import typer
from typer.core import TyperGroup
from typer.main import get_command

if TYPE_CHECKING:
    from typer._click import Command, Context

HOMES: Final = {"play": "drills.play.command"}
"""Each lazy command, and the module whose function of the same name is the command."""


def play() -> None:
    """Respond to an incident yourself: get paged, investigate, fix it with the runbook, and get a score."""
    raise NotImplementedError("LazyGroup runs drills.play.command.play in this placeholder's place")


class LazyGroup(TyperGroup):
    """A group that resolves a lazy command's placeholder to the real command when the command is called."""

    def resolve_command(self, ctx: Context, args: list[str]) -> tuple[str | None, Command | None, list[str]]:
        name, command, rest = super().resolve_command(ctx, args)
        if name in HOMES:
            command = real_command(name)
        return name, command, rest


def real_command(name: str) -> Command:
    """The click command of a lazy command, built from its module's function."""
    function = getattr(importlib.import_module(HOMES[name]), name)
    single = typer.Typer(add_completion=False)
    single.command(name=name)(function)
    return get_command(single)
