"""One attempt at a scenario against earlier ones: the responder's own, and the automated runner's best.

Times are compared in scenario seconds: a person plays at a time scale of 1 and CI at 60, and only the
runbook's own clock makes their times comparable.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from pydantic import BaseModel, ConfigDict

from drills.scoring.score import METRICS, MetricName, Outcome, score
from drills.timeline import DrillRecord, Responder


class Attempt(BaseModel):
    """One drill of the scenario, as history sees it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    drill_id: str
    started_at: datetime
    responder: Responder
    outcome: Outcome
    passed: bool
    hints: int
    points: int
    time_to_detect_s: float | None
    time_to_acknowledge_s: float | None
    time_to_recover_s: float | None

    def seconds(self, metric: MetricName) -> float | None:
        return {
            "time_to_detect": self.time_to_detect_s,
            "time_to_acknowledge": self.time_to_acknowledge_s,
            "time_to_recover": self.time_to_recover_s,
        }[metric]


class MetricComparison(BaseModel):
    """One metric of this attempt next to the responder's earlier ones and the runner's best (scenario seconds)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    metric: MetricName
    this_s: float | None
    previous_s: float | None
    personal_best_s: float | None
    runner_best_s: float | None
    change_from_previous_s: float | None
    behind_runner_s: float | None


class Comparison(BaseModel):
    """This attempt, the responder's earlier attempts (oldest first), and how each metric compares."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    scenario_id: str
    attempt: Attempt
    earlier: tuple[Attempt, ...]
    runner_attempts: int
    metrics: tuple[MetricComparison, ...]


def attempt_of(record: DrillRecord) -> Attempt:
    result = score(record)
    metrics = result.metrics
    return Attempt(
        drill_id=record.drill_id,
        started_at=record.started_at,
        responder=record.responder,
        outcome=result.outcome,
        passed=result.passed,
        hints=len(result.hints),
        points=result.points,
        time_to_detect_s=metrics.time_to_detect_scenario_s,
        time_to_acknowledge_s=metrics.time_to_acknowledge_scenario_s,
        time_to_recover_s=metrics.time_to_recover_scenario_s,
    )


def compare(record: DrillRecord, history: Iterable[DrillRecord]) -> Comparison:
    """`history` may hold any saved records: other scenarios and this very drill are left out."""
    attempt = attempt_of(record)
    others = sorted(
        (
            attempt_of(old)
            for old in history
            if old.scenario.id == record.scenario.id and old.drill_id != record.drill_id
        ),
        key=lambda old: (old.started_at, old.drill_id),
    )
    earlier = tuple(old for old in others if old.responder == record.responder and old.started_at < record.started_at)
    runner = [old for old in others if old.responder.kind == "auto"]
    return Comparison(
        scenario_id=record.scenario.id,
        attempt=attempt,
        earlier=earlier,
        runner_attempts=len(runner),
        metrics=tuple(_compare(metric, attempt, earlier, runner) for metric in METRICS),
    )


def _compare(
    metric: MetricName, attempt: Attempt, earlier: Sequence[Attempt], runner: Sequence[Attempt]
) -> MetricComparison:
    this = attempt.seconds(metric)
    previous = earlier[-1].seconds(metric) if earlier else None
    runner_best = _best(old.seconds(metric) for old in runner)
    return MetricComparison(
        metric=metric,
        this_s=this,
        previous_s=previous,
        personal_best_s=_best(old.seconds(metric) for old in earlier),
        runner_best_s=runner_best,
        change_from_previous_s=_difference(this, previous),
        behind_runner_s=_difference(this, runner_best),
    )


def _best(values: Iterable[float | None]) -> float | None:
    """The shortest time among the attempts where it happened at all."""
    return min((value for value in values if value is not None), default=None)


def _difference(this: float | None, other: float | None) -> float | None:
    return None if this is None or other is None else round(this - other, 6)
