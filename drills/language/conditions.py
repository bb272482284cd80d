"""Whether a value read from the world meets a condition, and what a step saves from what it read.

Operands arrive resolved: a probe or step is rendered once, references and all, before it reads (see
:func:`drills.language.templating.resolve_model`). Two values compare as numbers
when both are numbers or numeric text (``"5"`` equals ``5``, as a value read from Redis or a shell is text),
otherwise as JSON, where a boolean is never a number. ``lt``/``le``/``gt``/``ge`` on two texts compare them as
text, so ISO times can be ordered. ``exists`` asks whether a JSON path is there; for a plain value, whether it
is not null (a Redis key that is set, a header that was sent).
"""

from __future__ import annotations

import json
import operator
import re
from collections.abc import Callable, Mapping
from typing import Any, Final

from pydantic import JsonValue

from drills.errors import ProbeError
from drills.language.expect import Capture, Condition, json_path_steps

_NUMERIC_TEXT: Final = re.compile(r"\s*[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?\s*")
SHOWN_CHARACTERS: Final = 60

Operator = Callable[[JsonValue, JsonValue], str | None]
"""Checks a value against one resolved operand: None when it holds, else why not."""


def as_number(value: JsonValue) -> float | None:
    """The value as a number, if it is one or is numeric text; booleans are not numbers."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str) and _NUMERIC_TEXT.fullmatch(value):
        return float(value)
    return None


def equal(left: JsonValue, right: JsonValue) -> bool:
    """JSON equality, except that numbers and numeric text are compared as numbers, at any depth."""
    left_number, right_number = as_number(left), as_number(right)
    if left_number is not None and right_number is not None:
        return left_number == right_number
    if isinstance(left, list) and isinstance(right, list):
        return len(left) == len(right) and all(equal(a, b) for a, b in zip(left, right, strict=True))
    if isinstance(left, dict) and isinstance(right, dict):
        return left.keys() == right.keys() and all(equal(left[key], right[key]) for key in left)
    return type(left) is type(right) and left == right


def show(value: JsonValue, limit: int = SHOWN_CHARACTERS) -> str:
    """A value as a reason shows it: text quoted, whole numbers without ``.0``, null and booleans as in JSON."""
    text = _render(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _render(value: JsonValue) -> str:
    if isinstance(value, str):
        return repr(value)
    if isinstance(value, list):
        return "[" + ", ".join(_render(item) for item in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{key!r}: {_render(item)}" for key, item in value.items()) + "}"
    return as_text(value)


def as_text(value: JsonValue) -> str:
    """A value as a shell or a regex sees it: text as it is, anything else as JSON (whole numbers bare)."""
    if isinstance(value, str):
        return value
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return json.dumps(value)


def _eq(operand: JsonValue, value: JsonValue) -> str | None:
    return None if equal(value, operand) else f"expected {show(operand)}, got {show(value)}"


def _ne(operand: JsonValue, value: JsonValue) -> str | None:
    return f"expected anything but {show(operand)}" if equal(value, operand) else None


def _order(symbol: str, holds: Callable[[Any, Any], Any]) -> Operator:
    def check(operand: JsonValue, value: JsonValue) -> str | None:
        number, bound = as_number(value), as_number(operand)
        if number is not None and bound is not None:
            held = holds(number, bound)
        elif isinstance(value, str) and isinstance(operand, str):
            held = holds(value, operand)
        else:
            return f"expected a number {symbol} {show(operand)}, got {show(value)}"
        return None if held else f"expected {symbol} {show(operand)}, got {show(value)}"

    return check


def _in(operand: JsonValue, value: JsonValue) -> str | None:
    choices: list[JsonValue] = operand if isinstance(operand, list) else [operand]
    if any(equal(value, choice) for choice in choices):
        return None
    return f"expected one of {show(choices)}, got {show(value)}"


def _contains(operand: JsonValue, value: JsonValue) -> str | None:
    if isinstance(value, str):
        held = as_text(operand) in value
    elif isinstance(value, list):
        held = any(equal(item, operand) for item in value)
    elif isinstance(value, dict):
        held = as_text(operand) in value
    else:
        return f"expected text, a list or an object containing {show(operand)}, got {show(value)}"
    return None if held else f"expected to contain {show(operand)}, got {show(value)}"


def _matches(operand: JsonValue, value: JsonValue) -> str | None:
    if value is None or re.search(as_text(operand), as_text(value)) is None:
        return f"expected to match {show(operand)}, got {show(value)}"
    return None


def _length(operand: JsonValue, value: JsonValue) -> str | None:
    if not isinstance(value, str | list | dict):
        return f"expected length {show(operand)}, got {show(value)}, which has no length"
    if len(value) != operand:
        return f"expected length {show(operand)}, got length {len(value)}: {show(value)}"
    return None


OPERATORS: Final[Mapping[str, Operator]] = {
    "eq": _eq,
    "ne": _ne,
    "lt": _order("<", operator.lt),
    "le": _order("<=", operator.le),
    "gt": _order(">", operator.gt),
    "ge": _order(">=", operator.ge),
    "in": _in,
    "contains": _contains,
    "matches": _matches,
    "length": _length,
}


def _operand(operand: object) -> JsonValue:
    # `in` keeps its choices as a tuple; an operator reads them as a JSON list.
    return list(operand) if isinstance(operand, tuple) else operand  # type: ignore[return-value]


def _check(condition: Condition, value: JsonValue, present: bool) -> str | None:
    for name, operand in condition.operators().items():
        if name == "exists":
            wanted = bool(operand)
            reason = None if wanted == present else ("expected to exist" if wanted else "expected not to exist")
        else:
            reason = OPERATORS[name](_operand(operand), value)
        if reason is not None:
            return reason
    return None


def check(condition: Condition, value: JsonValue) -> str | None:
    """None when every operator of ``condition`` holds for ``value``, else a short reason why not."""
    return _check(condition, value, present=value is not None)


def lookup(value: JsonValue, path: str) -> tuple[bool, JsonValue]:
    """Whether ``path`` (``$.entries[0].id``) leads anywhere in ``value``, and what it leads to."""
    current = value
    for step in json_path_steps(path):
        if isinstance(step, int):
            if not isinstance(current, list) or not -len(current) <= step < len(current):
                return False, None
            current = current[step]
        elif isinstance(current, dict) and step in current:
            current = current[step]
        else:
            return False, None
    return True, current


def check_path(condition: Condition, document: JsonValue, path: str) -> str | None:
    """:func:`check` on what ``path`` leads to in ``document``, the reason prefixed with the path.

    ``exists`` is whether the path is there; a path that is not there fails every other operator.
    """
    found, value = lookup(document, path)
    if found:
        reason = _check(condition, value, present=True)
    elif condition.operators().get("exists", True) is False:
        reason = None
    else:
        reason = "expected to exist" if set(condition.operators()) == {"exists"} else "not found"
    return None if reason is None else f"{path}: {reason}"


def capture(capture: Capture, text: str, parsed: JsonValue | None) -> str:
    """The value a step's ``save`` keeps: by JSON path from ``parsed``, or by regex from ``text``."""
    if capture.kind == "json_path":
        return _capture_path(capture.expression, parsed)
    match = re.search(capture.expression, text)
    if match is None:
        raise ProbeError(
            f"cannot save {capture.expression!r}: it matches nothing in the output ({len(text)} characters)",
            hint="the step's output is on the timeline; fix the expression or what the step runs",
        )
    saved = match.group(1) if match.re.groups == 1 else match.group(0)
    if saved is None:
        raise ProbeError(f"cannot save {capture.expression!r}: its group took no part in the match")
    return saved


def _capture_path(path: str, parsed: JsonValue | None) -> str:
    if parsed is None:
        raise ProbeError(
            f"cannot save {path}: the output is not JSON",
            hint="a JSON path reads a JSON answer; save from text with a regular expression instead",
        )
    found, value = lookup(parsed, path)
    if not found:
        raise ProbeError(f"cannot save {path}: the answer has nothing there", hint=_shape(parsed))
    return value if isinstance(value, str) else json.dumps(value)


def _shape(parsed: JsonValue) -> str:
    # The keys, not the values: an answer may carry a token that has no business in an error message.
    if isinstance(parsed, dict):
        return "the answer is an object with " + (", ".join(sorted(parsed)) or "no keys")
    if isinstance(parsed, list):
        return f"the answer is a list of {len(parsed)}"
    return f"the answer is a {type(parsed).__name__}"
