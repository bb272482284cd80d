"""``kind: metric``: a value read from Prometheus text, picked by name and labels and combined as PromQL would.

The matching series are aggregated (``sum``, ``max``, ``min``, ``avg``); ``quantile`` reads a histogram's
buckets like ``histogram_quantile``; ``rate`` is each series' increase per second of scenario time over its
window, which takes two reads: a :class:`MetricHistory`, held by whoever evaluates the probe again and again,
keeps the earlier ones. ``divided_by`` makes the value a ratio to a second metric read from the same text.
httpx and the Prometheus parser load on the first read, not when a scenario is validated.
"""

from __future__ import annotations

import bisect
import itertools
import math
import re
import statistics
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Final, Literal, Self

from pydantic import Field, model_validator

from drills.durations import format_duration
from drills.language.conditions import as_text, check, show
from drills.language.expect import MetricExpect
from drills.language.fields import Duration, NonEmptyText, SpecModel, check_regex, field_error
from drills.probes.history import MetricHistory, Series, SeriesRead
from drills.probes.registry import ProbeBase, ProbeKind, Reading, register
from drills.probes.result import describe, outcome, safe_url, unreadable
from drills.world.targets import Target, UrlTarget

if TYPE_CHECKING:
    from prometheus_client.metrics_core import Metric

    from drills.probes.result import ProbeResult
    from drills.world.context import DrillContext

METRIC_NAME: Final = re.compile(r"[a-zA-Z_:][a-zA-Z0-9_:]*")

# The sample names a family declared with `# TYPE name ...` may have, so a declared metric with no series yet
# (a labelled counter nothing has incremented) reads as empty rather than missing.
_SAMPLE_SUFFIXES: Final = ("", "_total", "_count", "_sum", "_bucket", "_created", "_info", "_gcount", "_gsum")
AGGREGATES: Final[Mapping[str, Callable[[Sequence[float]], float]]] = {
    "sum": math.fsum,
    "max": max,
    "min": min,
    "avg": statistics.fmean,
}


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


class NoValue(Exception):
    """The metric gives no number to compare: no such metric, no observations, the first read of a rate."""


def read_metric(probe: MetricProbe, reading: Reading) -> ProbeResult:
    """Reads the Prometheus text at the probe's URL and checks the value it selects."""
    import httpx
    from prometheus_client.parser import text_string_to_metric_families

    from drills.probes.http import get_text

    context, history = reading.context, reading.history
    url = probe.url
    started = context.stopwatch.monotonic()
    try:
        families = list(text_string_to_metric_families(get_text(url, reading.limits)))
    except httpx.HTTPError as error:
        return unreadable(context, f"GET {safe_url(url)}: {describe(error)}", context.stopwatch.monotonic() - started)
    except ValueError as error:
        detail = f"{safe_url(url)} is not Prometheus text: {describe(error)}"
        return unreadable(context, detail, context.stopwatch.monotonic() - started)
    latency = context.stopwatch.monotonic() - started
    name = _title(probe)
    try:
        number = _Reader(probe, families, context, history, url).value()
    except NoValue as why:
        return unreadable(context, f"{name}: {why}", latency)
    reason = check(probe.expect.value, number)
    return outcome(
        context,
        [] if reason is None else [f"{name}: {reason}"],
        f"{name} = {show(number)}",
        value=number,
        output=as_text(number),
        parsed=number,
        latency_s=latency,
    )


@dataclass
class _Reader:
    """One evaluation of a metric probe over the families read from its URL."""

    probe: MetricProbe
    families: list[Metric]
    context: DrillContext
    history: MetricHistory
    url: str

    def value(self) -> float:
        number = self._measure(self.probe, self.probe.quantile)
        if self.probe.divided_by is not None:
            number = _ratio(number, self._measure(self.probe.divided_by, None))
        if not math.isfinite(number):
            raise NoValue(f"the value is {number}, not a finite number")
        return number

    def _measure(self, selector: MetricSelector, quantile: float | None) -> float:
        name = selector.metric + ("_bucket" if quantile is not None else "")
        series = select(self.families, name, selector.labels)
        if series is None:
            raise NoValue(f"{safe_url(self.url)} has no metric named {name}")
        if self.probe.rate is not None:
            series = self._rates(name, selector, series, self.probe.rate)
        if quantile is not None:
            return histogram_quantile(quantile, series)
        return aggregate(self.probe.aggregate, list(series.values()))

    def _rates(self, name: str, selector: MetricSelector, series: Series, window: timedelta) -> Series:
        # Keyed by the window too: a shorter window would prune the reads a longer one still needs.
        key = f"{self.url} {name} {sorted(selector.labels.items())} {window}"
        read = SeriesRead(self.context.clock.monotonic(), series)
        found = self.history.increases(key, read, self.context.wall_seconds(window.total_seconds()))
        if found is None:
            raise NoValue(f"a rate over {format_duration(window)} needs a second read within that window")
        increases, span_s = found
        per_second = self.context.scale.to_scenario(span_s)
        return {labels: increase / per_second for labels, increase in increases.items()}


def select(families: Sequence[Metric], name: str, labels: Mapping[str, str]) -> Series | None:
    """The samples named ``name`` whose labels match (``~`` = a regex); None when no such metric is declared."""
    declared = False
    series: Series = {}
    for family in families:
        declared = declared or name in {family.name + suffix for suffix in _SAMPLE_SUFFIXES}
        for sample in family.samples:
            if sample.name == name and _labels_match(sample.labels, labels):
                series[tuple(sorted(sample.labels.items()))] = float(sample.value)
    return series if declared or series else None


def _labels_match(have: Mapping[str, str], wanted: Mapping[str, str]) -> bool:
    # As in PromQL: a label the sample lacks is the empty string, and a regex must match the whole value.
    for label, want in wanted.items():
        value = have.get(label, "")
        if want.startswith("~"):
            if re.fullmatch(want[1:], value) is None:
                return False
        elif value != want:
            return False
    return True


def aggregate(how: str, numbers: Sequence[float]) -> float:
    """The numbers combined; the sum of no series is 0 (nothing counted yet), anything else needs one."""
    if not numbers and how != "sum":
        raise NoValue(f"no series matches, so there is no {how}")
    return AGGREGATES[how](numbers)


def histogram_quantile(quantile: float, buckets: Series) -> float:
    """PromQL's ``histogram_quantile`` over buckets summed by ``le``: linear interpolation within a bucket."""
    bounds, counts = _cumulative(buckets)
    if len(bounds) < 2 or bounds[-1] != math.inf:
        raise NoValue("a quantile needs a histogram's buckets, up to le=+Inf")
    if counts[-1] == 0:
        raise NoValue("the histogram has no observations")
    rank = quantile * counts[-1]
    index = bisect.bisect_left(counts, rank, hi=len(counts) - 1)
    if index == len(bounds) - 1:
        return bounds[-2]
    if index == 0 and bounds[0] <= 0:
        return bounds[0]
    lower, below = (bounds[index - 1], counts[index - 1]) if index > 0 else (0.0, 0.0)
    return lower + (bounds[index] - lower) * (rank - below) / (counts[index] - below)


def _cumulative(buckets: Series) -> tuple[list[float], list[float]]:
    by_bound: dict[float, float] = {}
    for labels, count in buckets.items():
        bound = dict(labels).get("le")
        if bound is None:
            continue
        try:
            by_bound[float(bound)] = by_bound.get(float(bound), 0.0) + count
        except ValueError:
            raise NoValue(f"le={bound!r} is not a bucket's upper bound") from None
    bounds = sorted(by_bound)
    # Buckets read a moment apart can disagree by an observation; PromQL evens that out the same way.
    counts = list(itertools.accumulate((by_bound[bound] for bound in bounds), max))
    return bounds, counts


def _ratio(numerator: float, denominator: float) -> float:
    if denominator == 0:
        if numerator == 0:
            return 0.0  # no errors out of no requests is no error rate, not an undefined one
        raise NoValue(f"the ratio is undefined: {show(numerator)} divided by 0")
    return numerator / denominator


def _title(probe: MetricProbe) -> str:
    title = _selector_text(probe)
    if probe.quantile is not None:
        title = f"quantile {probe.quantile:g} of {title}"
    if probe.rate is not None:
        title = f"rate[{format_duration(probe.rate)}] of {title}"
    if probe.divided_by is not None:
        title += f" / {_selector_text(probe.divided_by)}"
    return title


def _selector_text(selector: MetricSelector) -> str:
    labels = ",".join(
        f'{label}=~"{value[1:]}"' if value.startswith("~") else f'{label}="{value}"'
        for label, value in selector.labels.items()
    )
    return selector.metric + (f"{{{labels}}}" if labels else "")


def aims(probe: MetricProbe, context: DrillContext) -> Sequence[Target]:
    """The endpoint its Prometheus text is read from (``divided_by`` reads the same text)."""
    return (UrlTarget(probe.url),)


register(ProbeKind("metric", MetricProbe, read_metric, aims))
