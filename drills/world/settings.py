"""The settings a service reads, each declared once: its name, type, range, and whether it is a secret.

The declaration is what the deploy tool checks a value against before it stops anything, what
``drillbit validate`` checks a scenario's settings against, and what tells a drill which values to mask. It is
plain data, read from the world file (``x-drillbit.settings`` of each service): a service that reads a
variable its declaration lacks is a bug the tests catch.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType
from typing import ClassVar, Final
from urllib.parse import urlsplit

TRUE_WORDS: Final = ("1", "true", "yes", "on")
FALSE_WORDS: Final = ("0", "false", "no", "off")


class SettingType(StrEnum):
    """How a service reads a setting's text."""

    INT = "int"
    FLOAT = "float"
    BOOL = "bool"
    TEXT = "text"
    URL = "url"


_KINDS: Final = {
    SettingType.INT: "a whole number",
    SettingType.FLOAT: "a number",
    SettingType.BOOL: "true or false (or 1/0, yes/no, on/off)",
    SettingType.TEXT: "text",
    SettingType.URL: "a URL like scheme://host:port/path",
}


@dataclass(frozen=True)
class SettingSpec:
    """One environment variable a service reads, and the values it takes.

    ``min`` and ``max`` bound a number (``min_exclusive``: the number must be above ``min``). An empty value of a
    number or a flag is the service's default, as if unset; ``required`` settings must be set and not empty.
    ``default`` is what the service uses without it, as the documentation says it.
    """

    name: str
    type: SettingType = SettingType.TEXT
    description: str = ""
    min: float | None = None
    max: float | None = None
    min_exclusive: bool = False
    required: bool = False
    secret: bool = False
    default: str | None = None

    __pydantic_config__: ClassVar[Mapping[str, str]] = MappingProxyType({"extra": "forbid"})  # pydantic's config
    """A world file's setting is read into this class itself: a field it does not have is a mistake."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "type", SettingType(self.type))  # a world file gives the type as text

    def rule(self) -> str:
        """What the setting takes, in words: ``a whole number, 1 or more``."""
        words = _KINDS[self.type]
        bounds = self._bounds()
        if bounds:
            words += f", {bounds}"
        if self.required:
            words += ", not empty"
        return words

    def _bounds(self) -> str:
        if self.type not in (SettingType.INT, SettingType.FLOAT):
            return ""
        low, high = _number(self.min), _number(self.max)
        if self.min is not None and self.max is not None and not self.min_exclusive:
            return f"from {low} to {high}"
        parts = []
        if self.min is not None:
            parts.append(f"above {low}" if self.min_exclusive else f"{low} or more")
        if self.max is not None:
            parts.append(f"at most {high}")
        return " and ".join(parts)

    def accepts(self, value: str) -> bool:
        """Whether the service takes ``value``, read as the service reads it."""
        if value == "":
            return not self.required
        if self.type is SettingType.INT:
            return self._in_range(_parsed(int, value))
        if self.type is SettingType.FLOAT:
            return self._in_range(_parsed(float, value))
        if self.type is SettingType.BOOL:
            return value.lower() in (*TRUE_WORDS, *FALSE_WORDS)
        if self.type is SettingType.URL:
            return _is_url(value)
        return True

    def _in_range(self, number: float | None) -> bool:
        if number is None or not math.isfinite(number):
            return False
        if self.min is not None and (number <= self.min if self.min_exclusive else number < self.min):
            return False
        return self.max is None or number <= self.max


def _parsed(kind: type[int] | type[float], value: str) -> float | None:
    try:
        return kind(value)
    except ValueError:
        return None


def _is_url(value: str) -> bool:
    try:
        parts = urlsplit(value)
    except ValueError:
        return False
    return bool(parts.scheme and parts.netloc)


def _number(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


def declared(settings: Iterable[SettingSpec]) -> dict[str, SettingSpec]:
    """The declarations by name."""
    return {setting.name: setting for setting in settings}


def secret_values(settings: Iterable[SettingSpec], values: Mapping[str, str]) -> set[str]:
    """The secrets among a service's current ``values``: every declared secret, every value whose name says it is
    one (declared or not), and any password written inside a URL setting."""
    # Imported here: drills.reports brings its renderers, which a world's description never needs.
    from drills.reports.redaction import is_secret_name

    specs = declared(settings)
    found: set[str] = set()
    for name, value in values.items():
        spec = specs.get(name)
        if (spec is not None and spec.secret) or is_secret_name(name):
            found.add(value)
        elif spec is not None and spec.type is SettingType.URL:
            found.update(_url_password(value))
    return {value for value in found if value}


def _url_password(value: str) -> set[str]:
    try:
        password = urlsplit(value).password
    except ValueError:
        return set()
    return {password} if password else set()


def apply_changes(settings: dict[str, str], changes: Mapping[str, str | None]) -> None:
    """Makes a redeploy's changes to a service's ``settings``: each value set, or (None) the setting removed."""
    for key, value in changes.items():
        if value is None:
            settings.pop(key, None)
        else:
            settings[key] = value
