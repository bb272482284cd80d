"""JSON read and written the way Go's ``encoding/json`` does, so a client sees the bytes toxiproxy sends.

Toxiproxy answers compact JSON with ``<``, ``>`` and ``&`` escaped, prints its one float (toxicity, a
``float32``) in the shortest form that round-trips in 32 bits, and reads a body by decoding its first JSON
value, ignoring whatever follows. Syntax errors carry Go's wording, since they reach the client as
``bad request body: ...``.
"""

from __future__ import annotations

import json
import math
import re
import struct
from decimal import Decimal

from fakes.kit.request_limits import BodyRefused, check_depth

JsonValue = None | bool | int | float | str | list["JsonValue"] | dict[str, "JsonValue"]

_GO_WHITESPACE = " \t\r\n"
_HTML_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}
_HTML_PATTERN = re.compile("[<>&\u2028\u2029]")
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


class GoJsonError(ValueError):
    """A body that Go's decoder would refuse; the message is Go's."""


class Number(float):
    """A JSON number that is not a whole-number literal; keeps its literal for Go's error messages."""

    literal: str

    def __new__(cls, literal: str) -> Number:
        number = super().__new__(cls, literal)
        number.literal = literal
        return number


def dumps(value: JsonValue) -> bytes:
    """Compact JSON, as ``json.Marshal`` writes it; every float is printed as a Go ``float32``."""
    return _encode(value).encode("utf-8")


def _encode(value: JsonValue) -> str:
    if value is None or isinstance(value, bool):
        return json.dumps(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return format_float32(value)
    if isinstance(value, str):
        return _HTML_PATTERN.sub(lambda match: _HTML_ESCAPES[match.group()], json.dumps(value, ensure_ascii=False))
    if isinstance(value, list):
        return "[" + ",".join(_encode(item) for item in value) + "]"
    return "{" + ",".join(f"{_encode(key)}:{_encode(item)}" for key, item in value.items()) + "}"


def to_float32(value: float) -> float:
    """The nearest ``float32``, widened back: what Go keeps of a toxicity."""
    result: float = struct.unpack("f", struct.pack("f", value))[0]
    return result


def format_float32(value: float) -> str:
    """Go's ``strconv.FormatFloat(f, 'f' or 'e', -1, 32)`` choice, as ``encoding/json`` makes it."""
    value = to_float32(value)
    if value == 0:
        return "-0" if math.copysign(1.0, value) < 0 else "0"
    shortest = next(text for digits in range(1, 10) if to_float32(float(text := f"{value:.{digits}g}")) == value)
    if 1e-6 <= abs(value) < 1e21:
        return format(Decimal(shortest), "f")
    mantissa, exponent = f"{Decimal(shortest):e}".split("e")
    sign, digits = exponent[0], exponent[1:].lstrip("0").rjust(2, "0")
    return f"{mantissa}e{sign}{digits}"


def loads(body: bytes) -> JsonValue:
    """The first JSON value of a body, as ``json.NewDecoder(body).Decode`` reads it.

    A body nested deeper than the fakes' limit is refused before parsing (Go's decoder stops only at 10,000
    levels; Python's parser gives up with a ``RecursionError`` long before that).
    """
    try:
        check_depth(body)
    except BodyRefused as refused:
        raise GoJsonError(str(refused)) from None
    text = body.decode("utf-8", "replace")
    start = len(text) - len(text.lstrip(_GO_WHITESPACE))
    if start == len(text):
        raise GoJsonError("EOF")
    decoder = json.JSONDecoder(parse_float=Number, parse_constant=_refuse_constant)
    try:
        value, _ = decoder.raw_decode(text, start)
    except json.JSONDecodeError as error:
        raise GoJsonError(_syntax_message(error, text)) from None
    return _sanitize(value)


def _refuse_constant(name: str) -> float:
    # Python accepts NaN and Infinity; Go reads them as a bad first character.
    raise json.JSONDecodeError("Expecting value", name, 0)


def _sanitize(value: JsonValue) -> JsonValue:
    """Go replaces a lone UTF-16 surrogate with U+FFFD; Python keeps it and could not encode it later."""
    if isinstance(value, str):
        return _LONE_SURROGATE.sub("\ufffd", value)
    if isinstance(value, list):
        return [_sanitize(item) for item in value]
    if isinstance(value, dict):
        return {_LONE_SURROGATE.sub("\ufffd", key): _sanitize(item) for key, item in value.items()}
    return value


def _syntax_message(error: json.JSONDecodeError, text: str) -> str:
    if error.pos >= len(text) or error.msg.startswith("Unterminated string"):
        return "unexpected EOF"
    character = _quote_char(text[error.pos])
    if error.msg.startswith("Expecting property name"):
        return f"invalid character {character} looking for beginning of object key string"
    if error.msg.startswith("Expecting ':'"):
        return f"invalid character {character} after object key"
    if error.msg.startswith("Expecting ','"):
        place = "object key:value pair" if _innermost_open(text, error.pos) == "{" else "array element"
        return f"invalid character {character} after {place}"
    if error.msg.startswith("Invalid control character"):
        return f"invalid character {character} in string literal"
    if error.msg.startswith("Invalid \\escape"):
        return f"invalid character {character} in string escape code"
    literal = next((word for word in ("true", "false", "null") if word[0] == text[error.pos]), None)
    if literal is not None:
        return _literal_message(literal, text[error.pos : error.pos + len(literal)])
    return f"invalid character {character} looking for beginning of value"


def _literal_message(literal: str, found: str) -> str:
    """A misspelt ``true``, ``false`` or ``null``: Go names the first wrong character and the one it expected."""
    wrong = next(index for index in range(len(found) + 1) if index == len(found) or found[index] != literal[index])
    if wrong == len(found):
        return "unexpected EOF"
    expected = _quote_char(literal[wrong])
    return f"invalid character {_quote_char(found[wrong])} in literal {literal} (expecting {expected})"


def _innermost_open(text: str, end: int) -> str:
    """Whether the error sits in an object or an array: the innermost bracket still open before it."""
    stack: list[str] = []
    in_string = escaped = False
    for character in text[:end]:
        if in_string:
            in_string, escaped = (in_string, False) if escaped else (character != '"', character == "\\")
        elif character == '"':
            in_string = True
        elif character in "{[":
            stack.append(character)
        elif character in "}]" and stack:
            stack.pop()
    return stack[-1] if stack else "["


def _quote_char(character: str) -> str:
    """Go's ``quoteChar``: the offending character in single quotes, escaped like a Go string."""
    if character == "'":
        return "'\\''"
    if character == '"':
        return "'\"'"
    escaped = json.dumps(character)[1:-1]
    if escaped.startswith("\\u00"):
        escaped = "\\x" + escaped[4:]
    return f"'{escaped}'"
