"""``kind: metric``: a value read from a Prometheus text endpoint, picked by name and labels as PromQL would."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Final, Literal, Self

from pydantic import Field, model_validator

from drills.language.expect import MetricExpect
from drills.language.fields import Duration, NonEmptyText, SpecModel, check_regex, field_error
from drills.probes.registry import ProbeBase, ProbeKind, Reading, register
from drills.world.targets import Target, UrlTarget

if TYPE_CHECKING:
    from drills.probes.result import ProbeResult
    from drills.world.context import DrillContext

METRIC_NAME: Final = re.compile(r"[a-zA-Z_:][a-zA-Z0-9_:]*")


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


def read(probe: MetricProbe, reading: Reading) -> ProbeResult:
    from drills.probes.metric import read_metric  # httpx and the Prometheus parser load on the first read

    return read_metric(probe, reading.context, reading.history, reading.limits)


def aims(probe: MetricProbe, context: DrillContext) -> Sequence[Target]:
    """The endpoint its Prometheus text is read from (``divided_by`` reads the same text)."""
    return (UrlTarget(probe.url),)


register(ProbeKind("metric", MetricProbe, read, aims))
