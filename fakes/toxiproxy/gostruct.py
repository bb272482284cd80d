"""Reading a JSON object into named fields the way Go's decoder fills a struct.

Keys match fields without regard to case, ``null`` leaves a field as it was, unknown keys are ignored, and a
value of the wrong type is refused with Go's own message (after the rest of the object has been read, as Go
does). Whole-number fields take only whole-number literals, as ``strconv.ParseInt`` does.
"""

from __future__ import annotations

from dataclasses import dataclass

from fakes.toxiproxy.gojson import GoJsonError, JsonValue, Number

_INT64_RANGE = range(-(2**63), 2**63)
_FLOAT32_MAX = 3.4028234663852886e38


@dataclass(frozen=True)
class Field:
    """One field: its JSON key and its Go type: ``string``, ``bool``, ``int64``, ``int``, ``float32``, ``any``
    (an ``interface{}``, taking any value) or the name of a struct type (taking an object)."""

    key: str
    go_type: str


@dataclass(frozen=True)
class Struct:
    """A Go struct type as the decoder names it in errors: ``Proxy`` in ``toxiproxy.Proxy``."""

    package: str
    name: str
    fields: tuple[Field, ...]
    # How Go spells the type when it has no name (an anonymous struct names no struct in field errors).
    spelled: str = ""

    @property
    def go_type(self) -> str:
        return self.spelled or f"{self.package}.{self.name}"


def decode(struct: Struct, value: JsonValue, owner: str | None = None, path: str = "") -> dict[str, JsonValue]:
    """The fields that ``value`` sets (keyed by field key), converted; ``GoJsonError`` as Go would fail.

    ``owner`` and ``path`` place a nested struct in messages: Go names the enclosing struct and the dotted path.
    """
    if value is None:
        return {}
    if not isinstance(value, dict):
        if owner is None:
            raise GoJsonError(f"json: cannot unmarshal {_kind(value)} into Go value of type {struct.go_type}")
        raise GoJsonError(
            f"json: cannot unmarshal {_kind(value)} into Go struct field {owner}.{path} of type {struct.go_type}"
        )
    found: dict[str, JsonValue] = {}
    first_error: GoJsonError | None = None
    for key, item in value.items():
        field = _field_for(struct, key)
        if field is None or item is None:
            continue
        try:
            found[field.key] = _convert(field, item, struct.name, f"{path}.{field.key}".lstrip("."))
        except GoJsonError as error:
            first_error = first_error or error
    if first_error is not None:
        raise first_error
    return found


def _field_for(struct: Struct, key: str) -> Field | None:
    """Go prefers an exact key and falls back to a case-insensitive one."""
    exact = next((field for field in struct.fields if field.key == key), None)
    return exact or next((field for field in struct.fields if field.key.casefold() == key.casefold()), None)


def _convert(field: Field, item: JsonValue, struct_name: str, path: str) -> JsonValue:
    def refuse(kind: str) -> GoJsonError:
        return GoJsonError(
            f"json: cannot unmarshal {kind} into Go struct field {struct_name}.{path} of type {field.go_type}"
        )

    if field.go_type == "string":
        if not isinstance(item, str):
            raise refuse(_kind(item))
        return item
    if field.go_type == "bool":
        if not isinstance(item, bool):
            raise refuse(_kind(item))
        return item
    if field.go_type in ("int64", "int"):
        if isinstance(item, bool) or not isinstance(item, int | float):
            raise refuse(_kind(item))
        if isinstance(item, Number) or item not in _INT64_RANGE:
            raise refuse(f"number {_literal(item)}")
        return int(item)
    if field.go_type == "float32":
        if isinstance(item, bool) or not isinstance(item, int | float):
            raise refuse(_kind(item))
        if abs(item) > _FLOAT32_MAX:
            raise refuse(f"number {_literal(item)}")
        return float(item)
    if field.go_type != "any" and not isinstance(item, dict):
        raise refuse(_kind(item))
    return item


def _literal(number: int | float) -> str:
    return number.literal if isinstance(number, Number) else str(number)


def _kind(value: JsonValue) -> str:
    """How Go's decoder names a JSON value it could not store."""
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"
