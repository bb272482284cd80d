"""References in scenario values, ``{app.url}``, ``{secrets.scheduler}``, ``{saved.token}``: find, check, resolve.

A reference is a name of at least two dot-separated parts between single braces. Anything else with braces
(``{"a": 1}`` in a JSON string, ``${HOME}``, ``awk '{print $1}'``) is left alone, and a reference written with
doubled braces (``{{app.url}}``) is the literal text ``{app.url}``. The loader checks every reference against
the vocabulary below when a scenario is read; a drill resolves them against the values it has at that moment.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Final, TypeVar

from pydantic import BaseModel

from drills.errors import UnresolvedReferenceError, did_you_mean

_NAME: Final = r"[A-Za-z_][A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]+)+"
_REFERENCE: Final = re.compile(rf"\{{\{{(?P<escaped>{_NAME})\}}\}}|\{{(?P<name>{_NAME})\}}")
IDENTIFIER: Final = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
"""A saved value's or a secret's name: a letter or _, then letters, digits or _."""
SETTING_NAME: Final = re.compile(r"[A-Z][A-Z0-9_]*")
"""A setting's name (an environment variable of a service), in a scenario and to the deploy tool alike."""
SETTING_RULE: Final = "capitals, digits and _, like DB_POOL_SIZE"

SERVICE_ATTRIBUTES: Final = ("host", "port", "url")
WORLD_ATTRIBUTES: Final = ("epoch", "seed", "time_scale")
SAVED: Final = "saved"
NAMESPACES: Final = ("saved", "secrets", "settings", "world")


@dataclass(frozen=True)
class Reference:
    """One ``{name}`` found in a text, and where it starts."""

    name: str
    start: int

    @property
    def namespace(self) -> str:
        return self.name.split(".", 1)[0]

    @property
    def parts(self) -> tuple[str, ...]:
        return tuple(self.name.split("."))

    def __str__(self) -> str:
        return f"{{{self.name}}}"


def find_references(text: str) -> list[Reference]:
    """Every reference in ``text``, in order; escaped ones (``{{...}}``) are not references."""
    return [Reference(m["name"], m.start()) for m in _REFERENCE.finditer(text) if m["name"] is not None]


def check_reference(reference: Reference, services: Collection[str]) -> str | None:
    """What is wrong with ``reference`` given the world's service names, or None when it is well formed."""
    parts = reference.parts
    namespace = reference.namespace
    if namespace in services:
        return _expect_one_of(reference, parts, SERVICE_ATTRIBUTES, "a service")
    if namespace == "world":
        return _expect_one_of(reference, parts, WORLD_ATTRIBUTES, "the world")
    if namespace in ("secrets", SAVED):
        if len(parts) == 2 and IDENTIFIER.fullmatch(parts[1]):
            return None
        return f"{reference} must be {{{namespace}.NAME}}, NAME a letter or _ followed by letters, digits or _"
    if namespace == "settings":
        return _check_setting(reference, services)
    known = ", ".join([*sorted(services), *NAMESPACES])
    return f"unknown reference {reference}: {namespace!r} is not a service or one of {known}"


def _expect_one_of(reference: Reference, parts: tuple[str, ...], allowed: tuple[str, ...], what: str) -> str | None:
    if len(parts) == 2 and parts[1] in allowed:
        return None
    choices = ", ".join(f"{{{parts[0]}.{attribute}}}" for attribute in allowed)
    return f"unknown reference {reference}: {what} offers {choices}"


def _check_setting(reference: Reference, services: Collection[str]) -> str | None:
    parts = reference.parts
    if len(parts) != 3 or not SETTING_NAME.fullmatch(parts[2]):
        return f"{reference} must be {{settings.SERVICE.VARIABLE}}, VARIABLE in capitals like DB_POOL_SIZE"
    if parts[1] not in services:
        return f"unknown reference {reference}: {parts[1]!r} is not a service of the world"
    return None


def resolve_text(text: str, values: Mapping[str, str]) -> str:
    """``text`` with every reference replaced by its value; ``{{name}}`` becomes ``{name}``."""

    def replace(match: re.Match[str]) -> str:
        if match["escaped"] is not None:
            return f"{{{match['escaped']}}}"
        name = match["name"]
        if name not in values:
            raise _unresolved(name, values)
        return values[name]

    return _REFERENCE.sub(replace, text)


M = TypeVar("M", bound=BaseModel)


def resolve_model(model: M, values: Mapping[str, str]) -> M:
    """``model`` with every text in it resolved, at any depth (strings in fields, lists, tuples, dict values and
    nested models; not dict keys). This is the one place a probe, a step or a fault is rendered: once, at the
    edge, before anything reads or acts. Parts without a reference are the same objects as before.
    """
    changed = {}
    for name in type(model).model_fields:
        value = getattr(model, name)
        resolved = _resolve_any(value, values)
        if resolved is not value:
            changed[name] = resolved
    return model.model_copy(update=changed) if changed else model


def _resolve_any(value: object, values: Mapping[str, str]) -> object:
    if isinstance(value, str):
        text = resolve_text(value, values)
        return value if text == value else text
    if isinstance(value, BaseModel):
        return resolve_model(value, values)
    if isinstance(value, list | tuple):
        items = [_resolve_any(item, values) for item in value]
        return value if all(new is old for new, old in zip(items, value, strict=True)) else type(value)(items)
    if isinstance(value, dict):
        entries = {key: _resolve_any(item, values) for key, item in value.items()}
        return value if all(entries[key] is item for key, item in value.items()) else entries
    return value


def _unresolved(name: str, values: Mapping[str, str]) -> UnresolvedReferenceError:
    hint = did_you_mean(name, values, show=lambda known: f"{{{known}}}", most=3)
    if hint is None and name.startswith(f"{SAVED}."):
        hint = "a step must save it first: add `save: {" + name.removeprefix(f"{SAVED}.") + ": ...}` to it"
    elif hint is None:
        hint = "known here: " + (", ".join(f"{{{known}}}" for known in sorted(values)) or "nothing")
    return UnresolvedReferenceError(name, f"unknown reference {{{name}}}", hint=hint)
