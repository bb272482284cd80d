"""Reading scenario files into :class:`~drills.scenario.model.Scenario`, with every mistake as ``file:line: ...``.

``load_scenario`` reads one file, ``load_all`` a directory, ``find_scenario`` the file with an id, and
``validate_paths`` reports every problem of every file (``drillbit validate``) instead of stopping at the first.
An error names the field as a path (``faults[0].attributes``) and the line of the key or list item at fault.
"""

from __future__ import annotations

import re
import types
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Final, Literal, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from drills.errors import ScenarioError, UnknownScenarioError, did_you_mean
from drills.language.files import read_text
from drills.language.runbook import CodeBlock, parse_runbook
from drills.language.source import DataPath, YamlDocument, YamlSyntaxError, read_yaml
from drills.scenario.checks import WorldNames, check_scenario
from drills.scenario.model import Scenario
from drills.scenario.problem import Problem
from drills.scenario.steps import ShellStep
from drills.world.world_services import WorldFile, load_world
from drills.world.worlds import DEFAULT_PRODUCT, world_file

__all__ = [
    "WorldNames",
    "display_path",
    "find_scenario",
    "load_all",
    "load_scenario",
    "runbook_block",
    "runbook_script",
    "scenario_files",
    "validate_paths",
]

SUFFIXES: Final = (".yaml", ".yml")
_PLAIN_KEY: Final = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")
_ABSENT: Final = object()
# Fields a scenario no longer has, and what to write instead.
_RETIRED: Final[dict[tuple[Hashable, ...], str]] = {
    ("hints",): "hints are now the sections of the scenario's runbook entry, shown one at a time; "
    "to change what one costs, write hint_cost: {fix: 20}",
}


@dataclass
class _Reading:
    """One file read: its scenario when it had no mistake, every mistake found, and its id as written."""

    path: Path
    scenario: Scenario | None = None
    errors: list[ScenarioError] = field(default_factory=list)
    id: str | None = None
    id_line: int = 1


def load_scenario(path: Path | str, *, world: WorldNames | None = None, worlds: WorldFile | None = None) -> Scenario:
    """The scenario in ``path``; raises the file's first :class:`ScenarioError` (by line)."""
    reading = _read(Path(path), world, worlds)
    _raise_first(reading.errors)
    if reading.scenario is None:
        raise ScenarioError(str(path), None, "could not be read")
    return reading.scenario


def load_all(
    directory: Path | str, *, world: WorldNames | None = None, worlds: WorldFile | None = None
) -> list[Scenario]:
    """Every scenario in ``directory`` (``*.yaml``, ``*.yml``), in file-name order; ids must be unique."""
    if not Path(directory).is_dir():
        raise ScenarioError(str(directory), None, "is not a directory of scenario files")
    readings = [_read(path, world, worlds) for path in scenario_files([Path(directory)])]
    _raise_first(_all_errors(readings))
    return [reading.scenario for reading in readings if reading.scenario is not None]


def find_scenario(
    directory: Path | str, scenario_id: str, *, world: WorldNames | None = None, worlds: WorldFile | None = None
) -> Scenario:
    """The scenario whose id is ``scenario_id``, read without requiring the other files to be valid."""
    ids = {path: _written_id(path) for path in scenario_files([Path(directory)])}
    matches = [path for path, written in ids.items() if written == scenario_id]
    if not matches:
        known = sorted(written for written in ids.values() if written is not None)
        hint = did_you_mean(scenario_id, known, show=str) or "scenarios here: " + (", ".join(known) or "none")
        raise UnknownScenarioError(f"no scenario in {directory} has the id {scenario_id!r}", hint=hint)
    if len(matches) > 1:
        _raise_first(_all_errors([_read(path, world, worlds) for path in matches]))
    return load_scenario(matches[0], world=world, worlds=worlds)


def validate_paths(
    paths: Iterable[Path | str], *, world: WorldNames | None = None, worlds: WorldFile | None = None
) -> list[ScenarioError]:
    """Every problem of every scenario file under ``paths`` (files, or directories of them), in order."""
    given = [Path(path) for path in paths]
    missing = [ScenarioError(str(path), None, "no such file or directory") for path in given if not path.exists()]
    readings = [_read(path, world, worlds) for path in scenario_files(given)]
    return missing + _all_errors(readings)


def scenario_files(paths: Iterable[Path]) -> list[Path]:
    """The scenario files ``paths`` name: files as given, directories' ``*.yaml``/``*.yml`` sorted by name."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files += sorted(child for child in path.iterdir() if child.suffix in SUFFIXES and child.is_file())
        elif path.exists():
            files.append(path)
    return files


def runbook_script(scenario: Scenario, step: ShellStep) -> str:
    """The code of the runbook block a shell step runs, read now, so the runbook's current text is what runs."""
    return runbook_block(scenario, step).code


def runbook_block(scenario: Scenario, step: ShellStep) -> CodeBlock:
    """The runbook block a shell step runs, as the runbook reads now: its code and the line of its fence."""
    if step.runbook is None:
        raise ValueError("this shell step does not come from the runbook")
    path = step.runbook.path or scenario.runbook.path or Path()
    section = parse_runbook(read_text(path)).section(step.runbook.anchor)
    if section is None or step.block > len(section.blocks):
        raise ScenarioError(str(path), None, f"block {step.block} of #{step.runbook.anchor} no longer exists")
    return section.blocks[step.block - 1]


def _raise_first(errors: Sequence[ScenarioError]) -> None:
    if not errors:
        return
    first = errors[0]
    if len(errors) == 1:
        raise first
    more = f"{len(errors) - 1} more problem(s): `drillbit validate` lists every one"
    message = first.message.removeprefix(f"{first.path}:{first.line}: ").removeprefix(f"{first.path}: ")
    raise ScenarioError(first.path, first.line, message, hint="; ".join(filter(None, [first.hint, more])))


def _all_errors(readings: Sequence[_Reading]) -> list[ScenarioError]:
    errors = [error for reading in readings for error in reading.errors]
    first: dict[str, _Reading] = {}
    for reading in readings:
        if reading.id is None:
            continue
        if reading.id in first:
            other = first[reading.id]
            message = f"id: scenario id {reading.id!r} is already used by {other.path}:{other.id_line}"
            errors.append(ScenarioError(str(reading.path), reading.id_line, message, hint="give each its own id"))
        else:
            first[reading.id] = reading
    order = {str(reading.path): index for index, reading in enumerate(readings)}
    return sorted(errors, key=lambda error: (order.get(error.path, 0), error.line or 0))


def _written_id(path: Path) -> str | None:
    try:
        data = read_yaml(path.read_text(encoding="utf-8")).data
    except (OSError, UnicodeDecodeError, YamlSyntaxError):
        return None
    written = data.get("id") if isinstance(data, dict) else None
    return written if isinstance(written, str) else None


def _read(path: Path, world: WorldNames | None, worlds: WorldFile | None) -> _Reading:
    reading = _Reading(path)
    shown = str(path)
    try:
        document = read_yaml(read_text(path))
    except ScenarioError as error:
        reading.errors.append(error)
        return reading
    except YamlSyntaxError as error:
        reading.errors.append(ScenarioError(shown, error.line, error.message))
        return reading
    if not isinstance(document.data, dict):
        found = "nothing" if document.data is None else f"a {type(document.data).__name__}"
        message = f"a scenario is a mapping of fields (id, title, severity, ...), but this file holds {found}"
        reading.errors.append(ScenarioError(shown, document.line_of(()), message))
        return reading
    _note_id(reading, document)
    names = world or _world_names(document, worlds)
    if names is None:
        reading.errors.append(_unknown_product(shown, document, worlds))
    else:
        reading.errors += [_problem_error(shown, document, p) for p in check_scenario(document, path.parent, names)]
    try:
        reading.scenario = Scenario.model_validate(document.data, context={"directory": path.parent})
    except ValidationError as error:
        details = _without_echoes(error.errors(include_url=False))
        reading.errors += [_validation_error(shown, document, detail) for detail in details]
    reading.errors.sort(key=lambda error: error.line or 0)
    return reading


def _without_echoes(details: list[ErrorDetails]) -> list[ErrorDetails]:
    """Drops "too short" for a list whose items all failed: the items' own errors say what is wrong."""
    return [detail for detail in details if detail["type"] != "too_short" or not _has_inner(detail, details)]


def _has_inner(detail: ErrorDetails, details: list[ErrorDetails]) -> bool:
    loc = detail["loc"]
    return any(other["loc"][: len(loc)] == loc and len(other["loc"]) > len(loc) for other in details)


def _world_names(document: YamlDocument, worlds: WorldFile | None) -> WorldNames | None:
    """The names of the world the scenario names (the default one when it names none); None: no such world."""
    product = _product(document)
    found = worlds or world_file()
    if product not in found.products:
        return None
    return WorldNames.of(load_world(found, product))


def _product(document: YamlDocument) -> str:
    data = document.data if isinstance(document.data, dict) else {}
    world = data.get("world")
    product = world.get("product") if isinstance(world, dict) else None
    return product if isinstance(product, str) else DEFAULT_PRODUCT


def _unknown_product(shown: str, document: YamlDocument, worlds: WorldFile | None) -> ScenarioError:
    found = worlds or world_file()
    product = _product(document)
    close = did_you_mean(product, found.products)
    return ScenarioError(
        shown,
        document.line_of(("world", "product")),
        f"world.product: {found.path} has no world {product!r}{'; ' + close if close else ''}",
        hint=f"its worlds are: {', '.join(found.products)}",
    )


def _note_id(reading: _Reading, document: YamlDocument) -> None:
    data = document.data
    written = data.get("id") if isinstance(data, dict) else None
    if isinstance(written, str):
        reading.id = written
        reading.id_line = document.line_of(("id",))


def _problem_error(shown: str, document: YamlDocument, problem: Problem) -> ScenarioError:
    return ScenarioError(
        shown, document.line_of(problem.path), _located(problem.path, problem.message), hint=problem.hint
    )


def _located(path: Sequence[Hashable], message: str) -> str:
    return f"{display_path(path)}: {message}" if path else message


def display_path(path: Sequence[Hashable]) -> str:
    """A data path as a reader writes it: ``faults[0].attributes``, ``expect.json["$.status"]``."""
    text = ""
    for step in path:
        if isinstance(step, int):
            text += f"[{step}]"
        elif isinstance(step, str) and _PLAIN_KEY.fullmatch(step):
            text += f".{step}" if text else step
        else:
            text += f"[{str(step)!r}]".replace("'", '"')
    return text


def _validation_error(shown: str, document: YamlDocument, detail: ErrorDetails) -> ScenarioError:
    loc = tuple(step for step in detail["loc"] if step != "[key]")
    ctx = detail.get("ctx") or {}
    if detail["type"] == "scenario_field":
        loc += (ctx["field"],)
    if detail["type"] in ("union_tag_invalid", "union_tag_not_found"):
        loc += ("kind",)
    data_path, written_path = _locate(loc, document.data)
    message, hint = _describe(detail, loc)
    return ScenarioError(shown, document.line_of(data_path), _located(written_path, message), hint=hint)


def _locate(loc: Sequence[Hashable], data: object) -> tuple[DataPath, DataPath]:
    """The part of ``loc`` the data has (for the line) and ``loc`` as the file writes it (no union tags)."""
    found: list[Hashable] = []
    current = data
    rest = list(loc)
    while rest:
        step = rest[0]
        child = _child(current, step)
        if isinstance(current, dict) and step == current.get("kind"):
            rest.pop(0)
        elif child is not _ABSENT:
            current = child
            found.append(rest.pop(0))
        else:
            break
    return tuple(found), (*found, *rest)


def _child(value: object, step: Hashable) -> object:
    if isinstance(value, dict) and step in value:
        return value[step]
    if isinstance(value, list) and isinstance(step, int) and 0 <= step < len(value):
        return value[step]
    return _ABSENT


def _describe(detail: ErrorDetails, loc: Sequence[Hashable]) -> tuple[str, str | None]:
    kind, ctx, value = detail["type"], detail.get("ctx") or {}, detail["input"]
    if kind == "missing":
        return "required but missing", None
    if kind == "extra_forbidden":
        return "unknown field", _RETIRED.get(tuple(loc)) or _suggest(str(loc[-1]), _fields_at(loc[:-1]))
    if kind == "union_tag_invalid":
        return f"unknown kind {ctx['tag']!r}", f"kinds here: {', '.join(_kinds_at(loc[:-1]))}"
    if kind == "union_tag_not_found":
        return "required but missing", f"kinds here: {', '.join(_kinds_at(loc[:-1]))}"
    if kind in ("value_error", "assertion_error"):
        return str(ctx.get("error", detail["msg"])), None
    if kind in ("literal_error", "enum"):
        return f"{value!r} is not one of {ctx['expected']}", None
    if kind == "string_type" and isinstance(value, int | float | bool | date):
        shown = f"the date {value}" if isinstance(value, date) else repr(value)
        return f"YAML reads this as {shown}, not as text", "put it in quotes"
    if kind in ("tuple_type", "list_type"):
        return f"should be a list, not {_yaml_kind(value)}", "write each item on its own line, starting with -"
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return f"should be a mapping of fields, not {_yaml_kind(value)}", None
    message = detail["msg"][:1].lower() + detail["msg"][1:]
    if isinstance(value, str | int | float | bool) and kind != "scenario_field":
        message += f", not {value!r}"
    return message, None


def _yaml_kind(value: object) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return "nothing" if value is None else repr(value)


def _suggest(word: str, choices: list[str]) -> str | None:
    if not choices:
        return None
    return did_you_mean(word, choices) or f"fields here: {', '.join(choices)}"


def _annotation_at(loc: Sequence[Hashable]) -> object:
    """The type the model expects at ``loc`` (union tags in ``loc`` pick a member), or None."""
    annotation: object = Scenario
    for step in loc:
        annotation = _inside(_plain(annotation), step)
        if annotation is None:
            return None
    return _plain(annotation)


def _inside(annotation: object, step: Hashable) -> object:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        fields = annotation.model_fields
        name = next((name for name, info in fields.items() if step in (name, info.alias)), None)
        return None if name is None else fields[name].annotation
    origin, args = get_origin(annotation), get_args(annotation)
    if origin in (tuple, list):
        return args[0]
    if origin is dict:
        return args[1]
    if origin in (Union, types.UnionType):
        return next((member for member in args if step in _kind_of(member)), None)
    return None


def _plain(annotation: object) -> object:
    """``annotation`` without ``Annotated`` metadata and without ``| None``."""
    while True:
        if get_origin(annotation) is Annotated:
            annotation = get_args(annotation)[0]
            continue
        members = [arg for arg in get_args(annotation) if arg is not type(None)]
        if get_origin(annotation) in (Union, types.UnionType) and len(members) == 1:
            annotation = members[0]
            continue
        return annotation


def _kind_of(member: object) -> tuple[Any, ...]:
    if isinstance(member, type) and issubclass(member, BaseModel) and "kind" in member.model_fields:
        annotation = member.model_fields["kind"].annotation
        return get_args(annotation) if get_origin(annotation) is Literal else ()
    return ()


def _fields_at(loc: Sequence[Hashable]) -> list[str]:
    model = _annotation_at(loc)
    if isinstance(model, type) and issubclass(model, BaseModel):
        return sorted(info.alias or name for name, info in model.model_fields.items())
    return []


def _kinds_at(loc: Sequence[Hashable]) -> list[str]:
    return sorted(str(kind) for member in get_args(_annotation_at(loc)) for kind in _kind_of(member))
