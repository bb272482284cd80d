"""What every part of the scenario model is built from: a frozen, strict base model and the field types.

Durations are read with :mod:`drills.durations`; names, settings and command arguments have one shape each,
so that a mistake is reported the same way wherever it is made.
"""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from typing import Annotated, Final

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    ValidationInfo,
    model_validator,
)
from pydantic_core import PydanticCustomError

from drills.durations import DURATION_HINT, format_duration, parse_duration
from drills.language.templating import IDENTIFIER, SETTING_NAME, SETTING_RULE, find_references

SERVICE_NAME: Final = re.compile(r"[a-z][a-z0-9-]*")
SLUG: Final = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


class SpecModel(BaseModel):
    """A part of a scenario: immutable, and every key it is given must be one of its fields."""

    # defer_build: most parts are only ever validated inside a Scenario, whose validator holds theirs, so building
    # one for each part when its class is defined is work `drillbit list` would throw away.
    model_config = ConfigDict(
        frozen=True,
        extra="forbid",
        validate_by_alias=True,
        validate_by_name=True,
        serialize_by_alias=True,
        defer_build=True,
    )

    def given(self, *fields: str) -> list[str]:
        """Which of ``fields`` (Python names) the scenario wrote, whatever their values."""
        return [field for field in fields if field in self.model_fields_set]


def field_error(field: str, message: str) -> PydanticCustomError:
    """An error a whole-model check found in one field: the loader reports it at that field's line."""
    return PydanticCustomError("scenario_field", message, {"field": field})


def _duration(value: object) -> object:
    if isinstance(value, timedelta):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        raise ValueError(f"{value!r} has no unit ({value}s? {value}m?); {DURATION_HINT}")
    if not isinstance(value, str):
        raise ValueError(f"a duration is text like 90s, not {type(value).__name__}")
    return parse_duration(value)


def _positive(value: timedelta) -> timedelta:
    if value <= timedelta():
        raise ValueError("must be longer than 0s")
    return value


def matching(pattern: re.Pattern[str], what: str) -> AfterValidator:
    """A validator refusing text that ``pattern`` does not match in full, saying it is not ``what``."""

    def check(value: str) -> str:
        if not pattern.fullmatch(value):
            raise ValueError(f"{value!r} is not {what}")
        return value

    return AfterValidator(check)


def _text(value: object) -> object:
    """Numbers are text where the world wants text (``DB_POOL_SIZE: 3``); booleans are refused."""
    if isinstance(value, bool):
        raise ValueError(f"{value!r} is ambiguous here: write the text you mean in quotes, e.g. 'true'")
    if isinstance(value, int | float):
        return str(value)
    return value


def check_regex(value: str) -> str:
    """``value`` itself, if it compiles as a regular expression; else ValueError saying why."""
    try:
        re.compile(value)
    except re.error as error:
        raise ValueError(f"{value!r} is not a regular expression: {error}") from None
    return value


def _port(value: object) -> int | str:
    if isinstance(value, int) and not isinstance(value, bool) and 0 < value < 65536:
        return value
    if isinstance(value, str) and [str(reference) for reference in find_references(value)] == [value]:
        return value
    raise ValueError(f"{value!r} is not a port: write a number from 1 to 65535 or a reference like {{app.port}}")


Duration = Annotated[timedelta, BeforeValidator(_duration), PlainSerializer(format_duration, return_type=str)]
"""A duration in scenario time, written like ``90s``."""
PositiveDuration = Annotated[Duration, AfterValidator(_positive)]
Text = Annotated[str, BeforeValidator(_text)]
"""Text, where a number is also taken as its text: a setting, a command's argument."""
Slug = Annotated[str, matching(SLUG, "an id: lower-case letters and digits separated by single hyphens")]
ServiceName = Annotated[str, matching(SERVICE_NAME, "a service name like app or scheduler-staging")]
Identifier = Annotated[str, matching(IDENTIFIER, "a name: a letter or _, then letters, digits or _")]
SettingName = Annotated[str, matching(SETTING_NAME, f"a setting: {SETTING_RULE}")]
Regex = Annotated[str, AfterValidator(check_regex)]
Port = Annotated[int | str, BeforeValidator(_port)]
Settings = dict[SettingName, Text]
NonEmptyText = Annotated[str, Field(min_length=1)]


class RunbookRef(SpecModel):
    """A section of a runbook, written ``runbooks/oauth.md#rotate-the-client-secret``.

    ``#anchor`` alone means a section of the scenario's own runbook. The file is relative to the scenario's
    directory; the loader passes that directory in the validation context (``{"directory": Path}``) so that
    :attr:`path` can find it.
    """

    file: str | None
    anchor: str
    directory: Path | None = None

    @model_validator(mode="before")
    @classmethod
    def _from_text(cls, value: object, info: ValidationInfo) -> object:
        if not isinstance(value, str):
            raise ValueError("write a runbook section as path#anchor, like runbooks/oauth.md#fix")
        file, hash_sign, anchor = value.partition("#")
        if not hash_sign or not anchor or any(char in anchor for char in " #"):
            raise ValueError(f"{value!r} names no section: write path#anchor, like runbooks/oauth.md#fix")
        if file and (Path(file).is_absolute() or not file.endswith(".md")):
            raise ValueError(f"{file!r} must be a relative path to a markdown file, like runbooks/oauth.md")
        directory = info.context.get("directory") if isinstance(info.context, dict) else None
        return {"file": file or None, "anchor": anchor, "directory": directory}

    @property
    def path(self) -> Path | None:
        """The runbook file, found from the scenario's directory; None for ``#anchor`` alone."""
        if self.file is None:
            return None
        return (self.directory or Path()) / self.file

    def __str__(self) -> str:
        return f"{self.file or ''}#{self.anchor}"
