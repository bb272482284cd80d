"""Probes as a scenario describes them: typed reads of the world, each with what it expects.

A probe holds when what it read meets its ``expect``. Which one it is comes from ``kind``: ``http``, ``tcp``,
``sql``, ``redis``, ``command``, ``metric`` or ``log``. Evaluating them is another module's job.
"""

from __future__ import annotations

import re
from typing import Annotated, Final, Literal, Self

from pydantic import Field, JsonValue, model_validator

from drills.scenario.expect import (
    CommandExpect,
    HttpExpect,
    LogExpect,
    MetricExpect,
    RedisExpect,
    SqlExpect,
)
from drills.scenario.fields import (
    Duration,
    NonEmptyText,
    Port,
    Regex,
    ServiceName,
    SpecModel,
    Text,
    check_regex,
    field_error,
)

HttpMethod = Literal["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]
METRIC_NAME: Final = re.compile(r"[a-zA-Z_:][a-zA-Z0-9_:]*")


class HttpRequest(SpecModel):
    """One HTTP request: a JSON body (``json``), a form (``form``) or raw text (``body``), at most one."""

    method: HttpMethod = "GET"
    url: NonEmptyText
    headers: dict[str, Text] = Field(default_factory=dict)
    body: str | None = None
    json_body: JsonValue = Field(default=None, alias="json")
    form: dict[str, Text] | None = None

    @model_validator(mode="after")
    def _one_body(self) -> Self:
        bodies = self.given("body", "json_body", "form")
        if len(bodies) > 1:
            written = " and ".join("json" if name == "json_body" else name for name in bodies)
            raise field_error(
                "json" if bodies[-1] == "json_body" else bodies[-1],
                f"a request has one body: {written} were both given",
            )
        return self


class ProbeBase(SpecModel):
    """What every probe has: an optional name for the timeline."""

    name: str | None = None


class HttpProbe(ProbeBase, HttpRequest):
    """An HTTP request and what its answer must be."""

    kind: Literal["http"]
    expect: HttpExpect = HttpExpect()


class TcpProbe(ProbeBase):
    """Holds when a TCP connection to host:port is accepted."""

    kind: Literal["tcp"]
    host: NonEmptyText
    port: Port


class SqlProbe(ProbeBase):
    """A query on the world's Postgres (``database`` picks another database on it)."""

    kind: Literal["sql"]
    query: NonEmptyText
    database: str | None = None
    expect: SqlExpect = SqlExpect()


class RedisProbe(ProbeBase):
    """One Redis command, as its words: ``[GET, "fleet:health"]``."""

    kind: Literal["redis"]
    command: tuple[Text, ...] = Field(min_length=1)
    expect: RedisExpect = RedisExpect()


class CommandSpec(SpecModel):
    """A program to run: ``argv`` (its words) or ``shell`` (a script for ``sh -c``), one of the two."""

    argv: tuple[Text, ...] | None = Field(default=None, min_length=1)
    shell: str | None = None
    env: dict[str, Text] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _one_program(self) -> Self:
        if len(self.given("argv", "shell")) != 1:
            raise ValueError("give the program as argv (a list of words) or as shell (one script), one of them")
        return self


class CommandProbe(ProbeBase, CommandSpec):
    """A command the world's tools can run (psql, redis-cli, curl), and its exit code and output."""

    kind: Literal["command"]
    expect: CommandExpect = CommandExpect()


class MetricSelector(SpecModel):
    """A metric by its name and labels; a label value starting with ``~`` is a regular expression."""

    metric: NonEmptyText
    labels: dict[str, str] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _valid(self) -> Self:
        if not METRIC_NAME.fullmatch(self.metric):
            raise field_error("metric", f"{self.metric!r} is not a Prometheus metric name")
        for label, value in self.labels.items():
            if not METRIC_NAME.fullmatch(label) or ":" in label:
                raise field_error("labels", f"{label!r} is not a Prometheus label name")
            try:
                check_regex(value.removeprefix("~"))
            except ValueError as error:
                raise field_error("labels", str(error)) from None
        return self


class MetricProbe(ProbeBase, MetricSelector):
    """A value read from a Prometheus text endpoint.

    The series matching ``metric`` and ``labels`` are combined by ``aggregate``; ``quantile`` reads a histogram
    (``metric`` without ``_bucket``); ``rate`` turns a counter into its increase per second over that window;
    ``divided_by`` makes the value a ratio to a second metric read the same way (an error rate).
    """

    kind: Literal["metric"]
    url: NonEmptyText
    aggregate: Literal["sum", "max", "min", "avg"] = "sum"
    quantile: float | None = Field(default=None, gt=0, lt=1)
    rate: Duration | None = None
    divided_by: MetricSelector | None = None
    expect: MetricExpect


class LogProbe(ProbeBase):
    """Lines of a service's log matching ``pattern``, since the drill started or since the first fault."""

    kind: Literal["log"]
    service: ServiceName
    pattern: Annotated[Regex, Field(min_length=1)]
    since: Literal["start", "fault"] = "start"
    expect: LogExpect = LogExpect()


Probe = Annotated[
    HttpProbe | TcpProbe | SqlProbe | RedisProbe | CommandProbe | MetricProbe | LogProbe,
    Field(discriminator="kind"),
]
"""Any probe, told apart by its ``kind``."""
