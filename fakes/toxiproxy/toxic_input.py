"""Reading a toxic from a request body, with toxiproxy's defaults, checks and their order.

A new toxic: ``stream`` defaults to ``downstream``, ``toxicity`` to 1, ``name`` to ``<type>_<stream>``; the
stream is checked first, then the type, then the name's uniqueness, and the attributes last, against the
type's own fields. An update changes only the attributes and the toxicity it names.

Toxiproxy itself takes any number: it only documents toxicity as a probability from 0 to 1, and a negative
attribute acts as 0 (latency, timeouts) or crashes it (bandwidth, slicer). Here both are refused with a 400,
after every check toxiproxy makes, so a toxic never holds a value that means something else than it says.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from fakes.toxiproxy import errors
from fakes.toxiproxy.gojson import GoJsonError, JsonValue, format_float32, loads, to_float32
from fakes.toxiproxy.gostruct import Field, Struct, decode
from fakes.toxiproxy.named_toxic import Direction, NamedToxic
from fakes.toxiproxy.toxics import TOXIC_TYPES, Toxic

_WRAPPER = Struct(
    "toxics",
    "ToxicWrapper",
    (
        Field("attributes", "toxics.NoopToxic"),
        Field("name", "string"),
        Field("type", "string"),
        Field("stream", "string"),
        Field("toxicity", "float32"),
    ),
)
_UPDATE = Struct(
    "",
    "",
    (Field("attributes", "any"), Field("toxicity", "float32")),
    spelled='struct { Attributes interface {} "json:\\"attributes\\""; Toxicity float32 "json:\\"toxicity\\"" }',
)


def parse_new(body: bytes, exists: Callable[[str], bool]) -> NamedToxic:
    """The toxic a ``POST /proxies/{proxy}/toxics`` body asks for, or the ``ApiError`` toxiproxy answers."""
    document = _document(body)
    fields = _fields(_WRAPPER, document)
    stream = str(fields.get("stream", "downstream"))
    direction = Direction.parse(stream)
    if direction is None:
        raise errors.INVALID_STREAM
    type_name = str(fields.get("type", ""))
    name = str(fields.get("name") or f"{type_name}_{stream}")
    toxic_type = TOXIC_TYPES.get(type_name)
    if toxic_type is None:
        raise errors.INVALID_TOXIC_TYPE
    if exists(name):
        raise errors.TOXIC_ALREADY_EXISTS
    toxic = _with_attributes(toxic_type(), _attributes_of(document))
    toxicity = to_float32(_number(fields.get("toxicity", 1.0)))
    _check_values(toxic, toxicity)
    return NamedToxic(name, type_name, stream, direction, toxicity, toxic)


def parse_update(body: bytes, current: NamedToxic) -> NamedToxic:
    """``current`` with the attributes and toxicity an update body sets; other keys are ignored."""
    document = _document(body)
    fields = _fields(_UPDATE, document)
    toxic = _with_attributes(current.toxic, _attributes_of(document))
    toxicity = to_float32(_number(fields.get("toxicity", current.toxicity)))
    _check_values(toxic, toxicity)
    return dataclasses.replace(current, toxic=toxic, toxicity=toxicity)


def _check_values(toxic: Toxic, toxicity: float) -> None:
    """Every attribute 0 or more (they are durations, sizes and rates), and toxicity a probability."""
    for name, value in toxic.attributes().items():
        if value < 0:
            raise errors.INVALID_TOXIC_ATTRIBUTE.joined(f"{name} must be 0 or more, not {value}")
    if not 0 <= toxicity <= 1:
        raise errors.INVALID_TOXICITY.joined(f"must be from 0 to 1, not {format_float32(toxicity)}")


def _document(body: bytes) -> JsonValue:
    try:
        return loads(body)
    except GoJsonError as error:
        raise errors.BAD_REQUEST_BODY.joined(str(error)) from None


def _fields(struct: Struct, document: JsonValue) -> dict[str, JsonValue]:
    try:
        return decode(struct, document)
    except GoJsonError as error:
        raise errors.BAD_REQUEST_BODY.joined(str(error)) from None


def _attributes_of(document: JsonValue) -> JsonValue:
    if not isinstance(document, dict):
        return None
    keys = [key for key in document if key.casefold() == "attributes"]
    # Go takes the exact key if present, else the last case-insensitive one.
    return document["attributes"] if "attributes" in document else (document[keys[-1]] if keys else None)


def _with_attributes(toxic: Toxic, attributes: JsonValue) -> Toxic:
    struct = toxic.attributes_struct()
    try:
        values = decode(struct, attributes, owner="", path="attributes")
    except GoJsonError as error:
        raise errors.BAD_REQUEST_BODY.joined(str(error)) from None
    return dataclasses.replace(toxic, **values)  # type: ignore[type-var]


def _number(value: JsonValue) -> float:
    return float(value) if isinstance(value, int | float) else 1.0
