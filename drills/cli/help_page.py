"""``drillbit --help``: the top-level page, drawn with rich's panels and tables as typer draws it.

typer's own help formatter imports markdown-it, pygments and rich's traceback for every page, about a third of
the command's start, for a page that has neither markdown nor code. The page of each command (``drillbit run
--help``) is still typer's: those load what their command needs anyway.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich import box
from rich.console import Console
from rich.markup import escape
from rich.padding import Padding
from rich.panel import Panel
from rich.table import Table

if TYPE_CHECKING:
    from typer._click import Command, Context, Parameter


def print_help(group: Command, ctx: Context, console: Console | None = None) -> None:
    """Usage, the group's help, then its options and its commands, each in a panel."""
    console = console or Console()
    usage = " ".join(group.collect_usage_pieces(ctx))
    console.print(Padding(f"[yellow]Usage:[/] [bold]{escape(ctx.command_path)}[/] {escape(usage)}", (1, 1, 0, 1)))
    if group.help:
        console.print(Padding(escape(group.help.strip().split("\n\n")[0]), (1, 1, 1, 1)))
    options = [_option_row(param, ctx) for param in group.get_params(ctx)]
    console.print(_panel("Options", [row for row in options if row is not None]))
    console.print(_panel("Commands", _command_rows(group, ctx)))


def _option_row(param: Parameter, ctx: Context) -> tuple[str, str] | None:
    record = param.get_help_record(ctx)
    if record is None:
        return None
    names = ", ".join(name for name in (*param.opts, *param.secondary_opts))
    return names, record[1]


def _command_rows(group: Command, ctx: Context) -> list[tuple[str, str]]:
    commands = getattr(group, "commands", {})
    return [
        (name, (command.help or "").strip().split("\n\n")[0])
        for name, command in commands.items()
        if not command.hidden
    ]


def _panel(title: str, rows: list[tuple[str, str]]) -> Panel:
    table = Table(box=None, show_header=False, pad_edge=False, padding=(0, 1))
    table.add_column(style="bold cyan", no_wrap=True)
    table.add_column()
    for name, help_text in rows:
        table.add_row(escape(name), escape(" ".join(help_text.split())))
    return Panel(table, title=title, title_align="left", border_style="dim", box=box.ROUNDED)
