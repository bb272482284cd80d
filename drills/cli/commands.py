"""The classes of drillbit's commands and groups: typer's own, whose plain parameters spare pydantic.

Each parses its arguments as typer's would, after giving its parameters (its ``--help`` too, made for the
context) the coercion of `drills.cli.coercion`, where the installed typer has the coercion it replaces.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from typer.core import TyperCommand, TyperGroup

if TYPE_CHECKING:
    from typer._click import Context, Parameter


class PlainCommand(TyperCommand):
    """A command whose plain parameters are coerced without pydantic."""

    def parse_args(self, ctx: Context, args: list[str]) -> list[str]:
        spare_pydantic(self.get_params(ctx))
        return super().parse_args(ctx, args)


class PlainGroup(TyperGroup):
    """A group whose own plain parameters are coerced without pydantic."""

    def parse_args(self, ctx: Context, args: list[str]) -> list[str]:
        spare_pydantic(self.get_params(ctx))
        return super().parse_args(ctx, args)


def spare_pydantic(params: Iterable[Parameter]) -> None:
    try:
        from drills.cli.coercion import spare_pydantic as spare
    except ImportError:  # a typer that does not coerce with pydantic has nothing to spare
        return
    spare(params)
