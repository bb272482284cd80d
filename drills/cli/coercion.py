"""The values of plain parameters, coerced as typer does but without pydantic.

Typer 0.29 coerces every parameter's value with a pydantic ``TypeAdapter``, built the first time the parameter is
processed, even for an option left out (``None``), such as every command's own ``--help``: so any command, however
small, imports pydantic (about 0.15 s). `spare_pydantic` gives each parameter a coercion that answers the plain
cases itself, as typer would (nothing given, a ``str`` for a ``str``, a path for a ``Path``, checked by typer's own
path check), and hands every other value to typer's coercion, built when first needed. A test compares both on
each case. This leans on typer's private coercion (``typer._coercion``); `drills.cli.commands` imports this module
only where it exists.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from typer._click import Context, Parameter
from typer._coercion import RuntimeParam, TypeDescriptor, build_runtime_param
from typer._param_types import coerce_cli_path
from typer.core import _TyperParameter


@dataclass(frozen=True)
class PlainCoercion(RuntimeParam):
    """A parameter's coercion: plain values here, every other through typer's own."""

    descriptor: TypeDescriptor

    def _coerce_value(self, value: Any, param: _TyperParameter, ctx: Context) -> Any:
        info = self.parameter_info
        if info.parser is None and self.annotation is str and isinstance(value, str):
            return value
        if info.parser is None and info.path_type is None and self.annotation is Path and isinstance(value, str | Path):
            return coerce_cli_path(Path(value), info, path_type=Path, param=param, ctx=ctx)
        return build_runtime_param(self.descriptor)._coerce_value(value, param=param, ctx=ctx)


def plain_coercion(descriptor: TypeDescriptor) -> PlainCoercion:
    return PlainCoercion(descriptor.parameter_info, descriptor.annotation, descriptor)


def spare_pydantic(params: Iterable[Parameter]) -> None:
    """Gives each of typer's ``params`` that has no coercion yet its `PlainCoercion`."""
    for param in params:
        if isinstance(param, _TyperParameter) and param._runtime_param is None:
            param._runtime_param = plain_coercion(param.type_descriptor)
