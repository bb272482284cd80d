"""Reading a world file (a Compose file with drillbit's ``x-drillbit`` extension) into one world spec per product.

The file is checked whole before any world is taken from it: as YAML, against the Compose Specification's JSON
schema, its extension field by field, then what neither can see (a dependency on a service that is not there, a
proxy in front of a service with no port). Every mistake is ``file:line: message``, exit code 2.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import hashlib
import json
import re
from collections.abc import Hashable, Iterator, Mapping
from importlib.resources import files
from pathlib import Path
from typing import Any, Final, TypeVar

from pydantic import BaseModel, ValidationError

from drills.errors import InputError, did_you_mean
from drills.language.source import DataPath, YamlDocument, YamlSyntaxError, read_yaml
from drills.world.extension import FileExtension, ServiceExtension
from drills.world.home import user_cache
from drills.world.world_services import WorldBuilder, WorldFile

EXTENSION: Final = "x-drillbit"


class WorldFileError(InputError):
    """A world file is malformed; each problem is ``file:line: message`` on a line of its own."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


CHECKED_FOLDER: Final = "compose-checked"
"""In the user's cache: one empty file for each world file text the Compose schema found nothing wrong with."""


@functools.cache
def _schema_text() -> str:
    return files("drills.world").joinpath("schemas/compose-spec.json").read_text()


def _checked_marker(text: str) -> Path | None:
    """Where a pass of the schema over ``text`` is remembered: named by the schema's and the text's digest, so that
    another schema or any change to the file checks it again."""
    folder = user_cache(CHECKED_FOLDER)
    digest = hashlib.sha256(f"{_schema_text()}\0{text}".encode()).hexdigest()
    return None if folder is None else folder / digest


def read_world_file(path: Path) -> WorldFile:
    """The world file at ``path``, checked; a :class:`WorldFileError` lists every problem found."""
    shown = str(path)
    try:
        text = path.read_text()
        document = read_yaml(text)
    except OSError as error:
        raise InputError(f"{shown}: cannot read the world file: {error.strerror}") from None
    except YamlSyntaxError as error:
        raise WorldFileError([f"{shown}:{error.line or 1}: {error.message}"]) from None
    problems = [
        f"{shown}:{duplicate.line}: {_where(duplicate.path)} is written twice (first at line {duplicate.first_line})"
        for duplicate in document.duplicates
    ]
    problems += [f"{shown}:{line}: {message}" for line, message in _schema_problems(document, text)]
    if problems:
        raise WorldFileError(problems)
    data: dict[str, Any] = document.data  # type: ignore[assignment]  # the schema says it is a mapping
    extension, extensions, model_problems = _extensions(data, document)
    problems += [f"{shown}:{line}: {message}" for line, message in model_problems]
    if problems or extension is None:
        raise WorldFileError(problems)
    world_file = WorldFile(path, extension, data.get("services") or {}, extensions, document)
    problems += [f"{shown}:{line}: {message}" for line, message in WorldBuilder.problems_of(world_file)]
    if problems:
        raise WorldFileError(problems)
    return world_file


def _schema_problems(document: YamlDocument, text: str) -> list[tuple[int, str]]:
    """What the Compose schema finds wrong; a text it passed once is not checked again (the check, and importing
    jsonschema for it, cost a command a tenth of a second)."""
    marker = _checked_marker(text)
    if marker is not None and marker.exists():
        return []
    problems = list(_validate(document))
    if not problems and marker is not None:
        with contextlib.suppress(OSError):  # a cache that cannot be written costs the next command the check
            marker.parent.mkdir(parents=True, exist_ok=True)
            marker.touch()
    return problems


def _validate(document: YamlDocument) -> Iterator[tuple[int, str]]:
    import jsonschema

    validator = jsonschema.Draft201909Validator(json.loads(_schema_text()))
    for error in sorted(validator.iter_errors(document.data), key=lambda found: list(map(str, found.path))):
        path = tuple(error.absolute_path)
        unknown = _unknown_keys(error)
        if unknown:
            at = (*path, unknown[0])
            close = did_you_mean(unknown[0], error.schema.get("properties", {}))
            yield (
                document.line_of(at),
                f"{_where(at)}: unknown field{'; ' + close if close else ''} (Compose Specification)",
            )
        else:
            yield document.line_of(path), f"{_where(path)}: {error.message} (Compose Specification)"


def _unknown_keys(error: Any) -> list[str]:
    """The keys a mapping may not have, when that is what the schema found wrong with it."""
    if error.validator != "additionalProperties" or not isinstance(error.instance, dict):
        return []
    known, patterns = error.schema.get("properties", {}), error.schema.get("patternProperties", {})
    return [
        key
        for key in map(str, error.instance)
        if key not in known and not any(re.search(pattern, key) for pattern in patterns)
    ]


def _extensions(
    data: Mapping[str, Any], document: YamlDocument
) -> tuple[FileExtension | None, dict[str, ServiceExtension], list[tuple[int, str]]]:
    problems: list[tuple[int, str]] = []
    extension = _model(FileExtension, data.get(EXTENSION), (EXTENSION,), document, problems)
    if EXTENSION not in data:
        problems.append((1, f"no '{EXTENSION}' at the top: a world file names its worlds there (docs/world-file.md)"))
    extensions: dict[str, ServiceExtension] = {}
    for name, service in (data.get("services") or {}).items():
        written = service.get(EXTENSION, {}) if isinstance(service, dict) else {}
        found = _model(ServiceExtension, written, ("services", name, EXTENSION), document, problems)
        if found is not None:
            extensions[name] = found
    return extension, extensions, problems


M = TypeVar("M", bound=BaseModel)


def _model(
    model: type[M], data: object, at: DataPath, document: YamlDocument, problems: list[tuple[int, str]]
) -> M | None:
    try:
        return model.model_validate(data)
    except ValidationError as error:
        for detail in error.errors():
            loc = (*at, *(step for step in detail["loc"] if step != "[key]"))
            problems.append((document.line_of(loc), f"{_where(loc)}: {_message(detail, model, loc[len(at) :])}"))
        return None


def _message(detail: Any, model: type[BaseModel], loc: tuple[Hashable, ...]) -> str:
    kind = detail["type"]
    if kind in ("extra_forbidden", "unexpected_keyword_argument"):  # a model's, a dataclass's
        fields = _fields_at(model, loc[:-1])
        close = did_you_mean(str(loc[-1]), fields)
        return f"unknown field{'; ' + close if close else ''} (fields here: {', '.join(fields)})"
    if kind == "missing":
        return "required but missing"
    return str(detail["msg"])


def _fields_at(model: type[BaseModel], loc: tuple[Hashable, ...]) -> list[str]:
    """The fields of the model found at ``loc`` inside ``model``, for a misspelled one's hint."""
    current: Any = model
    for step in loc:
        if isinstance(step, int) or not (isinstance(current, type) and issubclass(current, BaseModel)):
            continue
        field = current.model_fields.get(str(step))
        if field is None:
            break
        current = _model_in(field.annotation)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return list(current.model_fields)
    if dataclasses.is_dataclass(current):  # a setting, whose name is its key
        return [field.name for field in dataclasses.fields(current) if field.name != "name"]
    return []


def _model_in(annotation: Any) -> Any:
    """The model (or dataclass) a field holds, directly or as the values of a dict or a union's member."""
    if isinstance(annotation, type) and (issubclass(annotation, BaseModel) or dataclasses.is_dataclass(annotation)):
        return annotation
    for argument in getattr(annotation, "__args__", ()):
        inner = _model_in(argument)
        if inner is not None:
            return inner
    return None


def _where(path: DataPath) -> str:
    return ".".join(str(step) for step in path) or "the file"
