"""What a probe or a step expects to read, and what a step saves from what it read.

A :class:`Condition` tests one value: ``200`` alone means "equals 200", ``{gt: 0, lt: 10}`` means every
operator holds. JSON paths pick a value out of a JSON answer: ``$.checks.db.status``, ``$.entries[0].id``,
``$["odd key"]``. A step's ``save`` keeps one value for later steps: a JSON path (it starts with ``$``) or a
regular expression on the text output (its one group, or the whole match).
"""

from __future__ import annotations

import re
from typing import Annotated, Final, Literal, Self

from pydantic import AfterValidator, BeforeValidator, Field, JsonValue, NonNegativeInt, model_validator

from drills.language.fields import Duration, Regex, SpecModel

_PATH_STEP: Final = re.compile(r"\.([A-Za-z_][A-Za-z0-9_-]*)|\[(-?\d+)\]|\[\"([^\"]*)\"\]|\['([^']*)'\]")
OPERATORS: Final = ("eq", "ne", "lt", "le", "gt", "ge", "in", "contains", "matches", "length", "exists")


def json_path_steps(path: str) -> tuple[str | int, ...]:
    """The keys and indexes ``path`` walks, from the root; raises ValueError if it is not a JSON path."""
    if not path.startswith("$"):
        raise ValueError(f"{path!r} is not a JSON path: it starts with $, like $.status or $.entries[0].id")
    steps: list[str | int] = []
    position = 1
    while position < len(path):
        match = _PATH_STEP.match(path, position)
        if match is None:
            raise ValueError(f"{path!r} is not a JSON path: cannot read {path[position:]!r}")
        name, index, double, single = match.groups()
        steps.append(int(index) if index is not None else next(s for s in (name, double, single) if s is not None))
        position = match.end()
    return tuple(steps)


def _json_path(path: str) -> str:
    json_path_steps(path)
    return path


JsonPath = Annotated[str, AfterValidator(_json_path)]


def _bound(value: object) -> object:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise ValueError(f"{value!r} cannot be compared: write a number or a reference like {{saved.count}}")
    return value


Bound = Annotated[int | float | str, BeforeValidator(_bound)]


class Condition(SpecModel):
    """A test of one value; every operator given must hold."""

    eq: JsonValue = None
    ne: JsonValue = None
    lt: Bound | None = None
    le: Bound | None = None
    gt: Bound | None = None
    ge: Bound | None = None
    in_: tuple[JsonValue, ...] | None = Field(default=None, alias="in")
    contains: JsonValue = None
    matches: Regex | None = None
    length: NonNegativeInt | None = None
    exists: bool | None = None

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, value: object) -> object:
        return value if isinstance(value, dict) else {"eq": value}

    @model_validator(mode="after")
    def _some_operator(self) -> Self:
        if not self.model_fields_set:
            raise ValueError(f"a condition needs at least one of {', '.join(OPERATORS)}")
        return self

    def operators(self) -> dict[str, JsonValue]:
        """The operators the scenario wrote, by their written name, with their operands."""
        written = {}
        for name, field in type(self).model_fields.items():
            if name in self.model_fields_set:
                written[field.alias or name] = getattr(self, name)
        return written


def _condition(**operators: JsonValue) -> Condition:
    return Condition.model_validate(operators)


class HttpExpect(SpecModel):
    """An HTTP answer's status, JSON values, headers, text and latency; by default any status below 400."""

    status: Condition = _condition(lt=400)
    json_values: dict[JsonPath, Condition] = Field(default_factory=dict, alias="json")
    headers: dict[str, Condition] = Field(default_factory=dict)
    body_contains: str | None = None
    max_latency: Duration | None = None
    """Wall time, unlike every other duration: a request's latency is not scaled."""


class SqlExpect(SpecModel):
    """A query's first value, its whole rows, or its number of rows; by default only that it ran."""

    scalar: Condition | None = None
    rows: tuple[tuple[JsonValue, ...], ...] | None = None
    row_count: Condition | None = None


class RedisExpect(SpecModel):
    """A Redis command's reply; by default only that it was answered."""

    reply: Condition | None = None


class CommandExpect(SpecModel):
    """A command's exit code (0 by default) and a text its output contains."""

    exit_code: Condition = _condition(eq=0)
    output_contains: str | None = None


class MetricExpect(SpecModel):
    """The metric's value after labels, aggregation, rate, quantile and ratio were applied."""

    value: Condition


class LogExpect(SpecModel):
    """How many matching lines there are; by default at least one."""

    count: Condition = _condition(ge=1)


class Capture(SpecModel):
    """One value a step saves: by JSON path from a JSON answer, or by regular expression from text."""

    kind: Literal["json_path", "regex"]
    expression: str

    @model_validator(mode="before")
    @classmethod
    def _from_text(cls, value: object) -> object:
        if isinstance(value, str):
            return {"kind": "json_path" if value.startswith("$") else "regex", "expression": value}
        return value

    @model_validator(mode="after")
    def _valid_expression(self) -> Self:
        if self.kind == "json_path":
            json_path_steps(self.expression)
            return self
        try:
            groups = re.compile(self.expression).groups
        except re.error as error:
            raise ValueError(f"{self.expression!r} is not a regular expression: {error}") from None
        if groups > 1:
            raise ValueError(f"{self.expression!r} has {groups} groups: save one value, with one group or none")
        return self
