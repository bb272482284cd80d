"""Plain parameters are coerced as typer coerces them, without pydantic: each value gives what typer's own coercion
gives, or the same usage error."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import pytest
import typer
from typer._click import Context
from typer._click.exceptions import BadParameter
from typer._coercion import build_runtime_param
from typer.core import TyperCommand, _TyperParameter
from typer.main import get_command

from drills.cli import commands
from drills.cli.coercion import plain_coercion
from drills.cli.commands import PlainCommand


def every_kind(
    name: Annotated[str, typer.Argument()],
    world: Annotated[str | None, typer.Option()] = None,
    folder: Annotated[Path, typer.Option()] = Path("scenarios"),
    lines: Annotated[int, typer.Option(min=0)] = 40,
    keys: Annotated[list[str] | None, typer.Option()] = None,
    reveal: Annotated[bool, typer.Option()] = False,
    kept: Annotated[Path, typer.Option(exists=True)] = Path("."),
) -> None:
    """A command with a parameter of each kind drillbit's commands have."""


def built(cls: type[TyperCommand]) -> TyperCommand:
    single = typer.Typer(add_completion=False)
    single.command(cls=cls)(every_kind)
    command = get_command(single)
    assert isinstance(command, TyperCommand)
    return command


def parameter(name: str) -> _TyperParameter:
    found = next(param for param in built(TyperCommand).params if param.name == name)
    assert isinstance(found, _TyperParameter)
    return found


def outcome(coerce: Any, value: object, param: _TyperParameter) -> object:
    """What coercing ``value`` gives: the value and its type, or the usage error's message."""
    try:
        coerced = coerce(value, param=param, ctx=Context(built(TyperCommand)))
    except BadParameter as error:
        return ("error", error.message)
    return (coerced, type(coerced))


CASES = [
    ("name", "app"),
    ("name", ""),
    ("world", None),
    ("world", "world-1"),
    ("folder", Path("scenarios")),
    ("folder", "elsewhere/scenarios"),
    ("folder", ""),
    ("lines", None),
    ("lines", 40),
    ("lines", "12"),
    ("lines", "-1"),
    ("lines", "many"),
    ("keys", None),
    ("keys", ["A", "B"]),
    ("keys", "A"),
    ("reveal", None),
    ("kept", "."),
    ("kept", "/no/such/path"),
]


@pytest.mark.parametrize(("name", "value"), CASES)
def test_cli_plain_coercion_gives_what_typer_s_own_gives(name: str, value: object) -> None:
    param = parameter(name)
    typer_s = build_runtime_param(param.type_descriptor)
    assert outcome(plain_coercion(param.type_descriptor).coerce, value, param) == outcome(typer_s.coerce, value, param)


def test_cli_plain_command_parses_its_arguments_as_typer_s_command_does() -> None:
    args = ["app", "--world", "w", "--folder", "there", "--lines", "3", "--keys", "A", "--keys", "B", "--reveal"]
    contexts = [
        command.make_context("every-kind", list(args)) for command in (built(PlainCommand), built(TyperCommand))
    ]
    assert contexts[0].params == contexts[1].params


def test_cli_plain_command_without_typer_s_coercion_leaves_its_parameters_to_typer(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "drills.cli.coercion", None)  # as if this typer had no typer._coercion
    command = built(PlainCommand)
    commands.spare_pydantic(command.params)
    assert [param.name for param in command.params if getattr(param, "_runtime_param", None) is not None] == []
    assert command.make_context("every-kind", ["app", "--lines", "3"]).params["lines"] == 3
