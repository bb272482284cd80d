"""A drill's score, computed from its record alone: the three intervals, objectives, invariants, the verdict."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Final, Literal

from pydantic import BaseModel, ConfigDict, Field

from drills.durations import format_duration
from drills.scoring.resolution import Verdict, resolution, verdict
from drills.severity import DEFAULT_POLICY, PointsRule, SeverityPolicy
from drills.timeline import DrillRecord, Event, EventKind, ScenarioSummary

MetricName = Literal["time_to_detect", "time_to_acknowledge", "time_to_recover"]
METRICS: Final[tuple[MetricName, ...]] = ("time_to_detect", "time_to_acknowledge", "time_to_recover")
Outcome = Literal["recovered", "not_recovered", "aborted", "error"]
InvariantStatus = Literal["held", "broken", "not_checked"]
StepStatus = Literal["ok", "failed", "not_run"]

# "MTTR" means four things in the industry; these say exactly which interval each of ours is.
DEFINITIONS: Final[Mapping[MetricName, str]] = {
    "time_to_detect": (
        "From the moment the first fault began to go in (its fault_injected event's data.started_at, or the event "
        "itself when it has none) to the first monitor_fired event from then on, from any monitor. A monitor that "
        "fired before the fault began does not count."
    ),
    "time_to_acknowledge": (
        "From the moment the first fault began to go in to the first acknowledged event from then on: the moment "
        "the responder took the page, not the moment they started working."
    ),
    "time_to_recover": (
        "From the moment the first fault began to go in to the start of the recovery window that then held for "
        "the scenario's whole recovery hold time (the recovered event's data.window_started_at). Not when the fix "
        "was applied, and not when the hold time ran out."
    ),
}

# What a drill scores, in words, for reports under the shipped policy; a record's own policy may say otherwise.
POINTS_RULE: Final = DEFAULT_POLICY.points.text()


def _definitions() -> dict[str, str]:
    return {metric: text for metric, text in DEFINITIONS.items()}


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Metrics(_Frozen):
    """The three intervals in wall and scenario seconds, each with its resolution (the ``±``, in scenario
    seconds: see drills.scoring.resolution); None when the thing never happened."""

    time_to_detect_s: float | None = None
    time_to_acknowledge_s: float | None = None
    time_to_recover_s: float | None = None
    time_to_detect_scenario_s: float | None = None
    time_to_acknowledge_scenario_s: float | None = None
    time_to_recover_scenario_s: float | None = None
    time_to_detect_resolution_s: float | None = None
    time_to_acknowledge_resolution_s: float | None = None
    time_to_recover_resolution_s: float | None = None
    definitions: dict[str, str] = Field(default_factory=_definitions)

    def resolution(self, metric: MetricName) -> float | None:
        return {
            "time_to_detect": self.time_to_detect_resolution_s,
            "time_to_acknowledge": self.time_to_acknowledge_resolution_s,
            "time_to_recover": self.time_to_recover_resolution_s,
        }[metric]

    def wall(self, metric: MetricName) -> float | None:
        return {
            "time_to_detect": self.time_to_detect_s,
            "time_to_acknowledge": self.time_to_acknowledge_s,
            "time_to_recover": self.time_to_recover_s,
        }[metric]

    def scenario(self, metric: MetricName) -> float | None:
        return {
            "time_to_detect": self.time_to_detect_scenario_s,
            "time_to_acknowledge": self.time_to_acknowledge_scenario_s,
            "time_to_recover": self.time_to_recover_scenario_s,
        }[metric]


class ObjectiveResult(_Frozen):
    """One objective (scenario seconds) against what the drill measured."""

    metric: MetricName
    target_s: float
    source: Literal["scenario", "severity"]
    actual_s: float | None
    actual_wall_s: float | None
    met: bool
    resolution_s: float | None = None
    """The ``±`` of ``actual_s`` (scenario seconds)."""
    verdict: Verdict = "missed"
    """met, missed, or undecided: the target lies within the resolution of what was measured."""

    @property
    def margin_s(self) -> float | None:
        """Scenario seconds left before the target (negative: past it); None when the time was never measured."""
        return None if self.actual_s is None else round(self.target_s - self.actual_s, 6)


class InvariantResult(_Frozen):
    """Whether an invariant held: only if it was checked and every check held."""

    name: str
    declared: bool
    status: InvariantStatus
    held: bool
    checks: int
    detail: str | None
    evidence: str | None = None
    """What the first failing check read (the offending rows, messages or output), as text."""


class StepResult(_Frozen):
    """One step of the automated response: finished ok, failed (what it ran and why), or never carried out."""

    name: str
    status: StepStatus
    detail: str | None = None
    command: str | None = None


class EscalationResult(_Frozen):
    """One escalation rule of the severity and whether the drill kept it."""

    level: str
    within_s: float
    due: bool
    escalated_after_s: float | None
    met: bool


class HintUse(_Frozen):
    """A hint the responder took."""

    at_s: float
    hint: str
    cost: float | None


class PointsLost(_Frozen):
    """One deduction from a drill's points: what it was for, and how many points it took."""

    reason: str
    points: float


class RevertResult(_Frozen):
    """Whether an injected fault was reverted (the last revert recorded for it wins)."""

    fault: str
    ok: bool
    error: str | None


class Score(_Frozen):
    """Everything computed from a record: report.json saves it next to the record."""

    outcome: Outcome
    passed: bool
    reasons: tuple[str, ...]
    metrics: Metrics
    objectives: tuple[ObjectiveResult, ...]
    invariants: tuple[InvariantResult, ...]
    steps: tuple[StepResult, ...]
    """The automated responder's steps; empty for a person, who has none."""
    escalation: tuple[EscalationResult, ...]
    hints: tuple[HintUse, ...]
    reverts: tuple[RevertResult, ...]
    points: int
    """Out of FULL_POINTS, by POINTS_RULE."""
    undecided: tuple[MetricName, ...] = ()
    """Objectives too close to call at the drill's time scale: a finer scale decides them (drillbit ci does)."""


def score(record: DrillRecord) -> Score:
    metrics = measure(record)
    outcome = outcome_of(record)
    objectives = check_objectives(record.scenario, metrics, record.policy)
    invariants = check_invariants(record)
    steps = check_steps(record)
    escalation = check_escalation(record, metrics)
    hints = hints_used(record)
    reasons = _reasons(record, outcome, objectives, invariants, steps)
    return Score(
        undecided=tuple(result.metric for result in objectives if result.verdict == "undecided"),
        outcome=outcome,
        passed=not reasons,
        reasons=reasons,
        metrics=metrics,
        objectives=objectives,
        invariants=invariants,
        steps=steps,
        escalation=escalation,
        hints=hints,
        reverts=reverts(record),
        points=points(
            outcome,
            points_lost(hints, objectives, invariants, escalation, record.policy.points),
            record.policy.points.full,
        ),
    )


def _first(timeline: Sequence[Event], kind: EventKind, after: int = -1) -> tuple[int, Event] | None:
    for index in range(after + 1, len(timeline)):
        if timeline[index].kind is kind:
            return index, timeline[index]
    return None


def fault_origin(record: DrillRecord) -> float | None:
    """When the first fault began to go in (its data.started_at), else when it was in; None without a fault.

    A redeploy stops the old process before it starts the new one, so its symptoms can show before the fault's
    event is recorded; every metric counts from this moment, and whatever happened from it on counts.
    """
    fault = _first(record.timeline, EventKind.FAULT_INJECTED)
    if fault is None:
        return None
    started = fault[1].optional_number("started_at")
    return started if started is not None else fault[1].at


def _first_from(timeline: Sequence[Event], kind: EventKind, origin: float) -> Event | None:
    return next((event for event in timeline if event.kind is kind and event.at >= origin), None)


def measure(record: DrillRecord) -> Metrics:
    timeline = record.timeline
    origin = fault_origin(record)
    if origin is None:
        return Metrics()
    detected = _first_from(timeline, EventKind.MONITOR_FIRED, origin)
    acknowledged = _first_from(timeline, EventKind.ACKNOWLEDGED, origin)
    recovered = _first_from(timeline, EventKind.RECOVERED, origin)
    detect = None if detected is None else detected.at - origin
    acknowledge = None if acknowledged is None else acknowledged.at - origin
    # A window can only be said to start once the fault is in; earlier would be a runner bug, not a gift.
    recover = None if recovered is None else max(0.0, recovered.number("window_started_at") - origin)

    def wall(seconds: float | None) -> float | None:
        return None if seconds is None else round(seconds, 6)

    def scaled(seconds: float | None) -> float | None:
        return None if seconds is None else round(seconds * record.time_scale, 6)

    def plus_minus(seconds: float | None, metric: MetricName) -> float | None:
        return None if seconds is None else resolution(record, origin, metric)

    return Metrics(
        time_to_detect_s=wall(detect),
        time_to_acknowledge_s=wall(acknowledge),
        time_to_recover_s=wall(recover),
        time_to_detect_scenario_s=scaled(detect),
        time_to_acknowledge_scenario_s=scaled(acknowledge),
        time_to_recover_scenario_s=scaled(recover),
        time_to_detect_resolution_s=plus_minus(detect, "time_to_detect"),
        time_to_acknowledge_resolution_s=plus_minus(acknowledge, "time_to_acknowledge"),
        time_to_recover_resolution_s=plus_minus(recover, "time_to_recover"),
    )


def outcome_of(record: DrillRecord) -> Outcome:
    """An error or an abort wins over a recovery: the drill did not run to its end, so nothing after is known."""
    kinds = {event.kind for event in record.timeline}
    if EventKind.DRILL_ERROR in kinds:
        return "error"
    if EventKind.DRILL_ABORTED in kinds:
        return "aborted"
    if measure(record).time_to_recover_s is not None:
        return "recovered"
    return "not_recovered"


def objective_targets(
    scenario: ScenarioSummary, policy: SeverityPolicy = DEFAULT_POLICY
) -> dict[MetricName, tuple[float, Literal["scenario", "severity"]]]:
    """Each objective the scenario declares, and its severity's default (by the policy) for each one it does not."""
    promised = policy.targets(scenario.severity)
    defaults: dict[MetricName, float] = {
        "time_to_detect": promised.detect,
        "time_to_acknowledge": promised.acknowledge,
        "time_to_recover": promised.recover,
    }
    targets: dict[MetricName, tuple[float, Literal["scenario", "severity"]]] = {}
    for metric in METRICS:
        declared = scenario.objectives.seconds(metric)
        targets[metric] = (declared, "scenario") if declared is not None else (defaults[metric], "severity")
    return targets


def check_objectives(
    scenario: ScenarioSummary, metrics: Metrics, policy: SeverityPolicy = DEFAULT_POLICY
) -> tuple[ObjectiveResult, ...]:
    results = []
    for metric, (target, source) in objective_targets(scenario, policy).items():
        actual, margin = metrics.scenario(metric), metrics.resolution(metric) or 0.0
        decided = verdict(actual, target, margin)
        results.append(
            ObjectiveResult(
                metric=metric,
                target_s=target,
                source=source,
                actual_s=actual,
                actual_wall_s=metrics.wall(metric),
                met=decided == "met",
                resolution_s=metrics.resolution(metric),
                verdict=decided,
            )
        )
    return tuple(results)


def check_invariants(record: DrillRecord) -> tuple[InvariantResult, ...]:
    """Every declared invariant, then any other invariant the timeline checked, in order of first check."""
    checks: dict[str, list[Event]] = {name: [] for name in record.scenario.invariants}
    for event in record.timeline:
        if event.kind is EventKind.INVARIANT_CHECKED:
            checks.setdefault(event.text("invariant"), []).append(event)
    return tuple(_invariant(name, name in record.scenario.invariants, events) for name, events in checks.items())


def _invariant(name: str, declared: bool, events: list[Event]) -> InvariantResult:
    if not events:
        return InvariantResult(name=name, declared=declared, status="not_checked", held=False, checks=0, detail=None)
    broken = [event for event in events if not event.flag("held")]
    telling = broken[0] if broken else events[-1]
    return InvariantResult(
        name=name,
        declared=declared,
        status="broken" if broken else "held",
        held=not broken,
        checks=len(events),
        detail=telling.optional_text("detail"),
        evidence=telling.optional_text("evidence"),
    )


def check_steps(record: DrillRecord) -> tuple[StepResult, ...]:
    """Each declared step of an automated response, by its last step_finished event; a person has no steps."""
    if record.responder.kind != "auto":
        return ()
    finished: dict[str, Event] = {}
    for event in record.timeline:
        if event.kind is EventKind.STEP_FINISHED:
            finished[event.text("step")] = event
    return tuple(_step(name, finished.get(name)) for name in (*record.scenario.response, *_undeclared(record)))


def _undeclared(record: DrillRecord) -> list[str]:
    """Steps the timeline shows that the scenario summary does not list (a record of schema_version 1 lists none)."""
    declared = set(record.scenario.response)
    names = [event.text("step") for event in record.timeline if event.kind is EventKind.STEP_FINISHED]
    return [name for name in dict.fromkeys(names) if name not in declared]


def _step(name: str, finished: Event | None) -> StepResult:
    if finished is None:
        return StepResult(name=name, status="not_run")
    if finished.flag("ok"):
        return StepResult(name=name, status="ok")
    detail = finished.optional_text("detail") or finished.message
    return StepResult(name=name, status="failed", detail=detail, command=finished.optional_text("command"))


def check_escalation(record: DrillRecord, metrics: Metrics) -> tuple[EscalationResult, ...]:
    """Escalation deadlines count from the fault: the incident began then, whether or not anyone knew."""
    rules = tuple(record.policy.targets(record.scenario.severity).escalate.items())
    origin = fault_origin(record)
    if origin is None:
        return tuple(
            EscalationResult(level=level, within_s=within, due=False, escalated_after_s=None, met=True)
            for level, within in rules
        )
    origin_scenario = origin * record.time_scale
    observed = record.timeline[-1].scenario_at - origin_scenario
    recovered = metrics.time_to_recover_scenario_s
    results = []
    for level, within in rules:
        # Not recovered within the deadline, and the drill ran long enough for the deadline to come.
        due = recovered > within if recovered is not None else observed >= within
        after = _escalated_after(record.timeline, origin, origin_scenario, level)
        met = not due or (after is not None and after <= within)
        results.append(EscalationResult(level=level, within_s=within, due=due, escalated_after_s=after, met=met))
    return tuple(results)


def _escalated_after(timeline: Sequence[Event], origin: float, origin_scenario: float, level: str) -> float | None:
    """Scenario seconds from the fault to the first escalation reaching `level` (L3 also satisfies L2)."""
    for event in timeline:
        if event.kind is EventKind.ESCALATED and event.at >= origin and _rank(event.text("level")) >= _rank(level):
            return round(event.scenario_at - origin_scenario, 6)
    return None


def _rank(level: str) -> int:
    return int(level.removeprefix("L"))


def hints_used(record: DrillRecord) -> tuple[HintUse, ...]:
    return tuple(
        HintUse(
            at_s=event.scenario_at,
            hint=event.optional_text("hint") or event.message,
            cost=event.optional_number("cost"),
        )
        for event in record.timeline
        if event.kind is EventKind.HINT_TAKEN
    )


def points_lost(
    hints: Sequence[HintUse],
    objectives: Sequence[ObjectiveResult],
    invariants: Sequence[InvariantResult],
    escalation: Sequence[EscalationResult],
    rule: PointsRule = DEFAULT_POLICY.points,
) -> tuple[PointsLost, ...]:
    """Each deduction POINTS_RULE makes, in its order. A hint whose event records no cost (or less than 0) is free."""
    lost = [PointsLost(reason=f"hint: {hint.hint}", points=max(hint.cost or 0.0, 0.0)) for hint in hints]
    lost += [
        PointsLost(reason=f"{result.metric.replace('_', ' ')} objective missed", points=rule.objective_missed)
        for result in objectives
        if result.verdict == "missed"
    ]
    lost += [
        PointsLost(reason=_invariant_reason(result), points=rule.invariant_not_held)
        for result in invariants
        if result.declared and not result.held
    ]
    lost += [
        PointsLost(
            reason=f"no escalation to {kept.level} within {format_duration(kept.within_s)}",
            points=rule.escalation_missed,
        )
        for kept in escalation
        if kept.due and not kept.met
    ]
    return tuple(lost)


def points(outcome: Outcome, lost: Sequence[PointsLost], full: int = DEFAULT_POLICY.points.full) -> int:
    """``full`` less every deduction, whole points rounded down; 0 unless the drill recovered."""
    if outcome != "recovered":
        return 0
    return max(0, math.floor(full - sum(item.points for item in lost)))


def reverts(record: DrillRecord) -> tuple[RevertResult, ...]:
    """One result per fault, in order of injection; a fault injected and never reverted counts as failed."""
    last: dict[str, RevertResult | None] = {}
    for event in record.timeline:
        if event.kind is EventKind.FAULT_INJECTED:
            last.setdefault(event.text("fault"), None)
        elif event.kind is EventKind.FAULT_REVERTED:
            fault = event.text("fault")
            last[fault] = RevertResult(fault=fault, ok=event.flag("ok"), error=event.optional_text("error"))
    return tuple(
        result or RevertResult(fault=fault, ok=False, error="no revert was recorded") for fault, result in last.items()
    )


def _reasons(
    record: DrillRecord,
    outcome: Outcome,
    objectives: Sequence[ObjectiveResult],
    invariants: Sequence[InvariantResult],
    steps: Sequence[StepResult],
) -> tuple[str, ...]:
    """Why the drill did not pass, one sentence each; empty when it passed."""
    reasons = [] if outcome == "recovered" else [_outcome_reason(record, outcome)]
    reasons += _step_reasons(steps)
    reasons += [_objective_reason(result) for result in objectives if not result.met]
    reasons += [_invariant_reason(result) for result in invariants if not result.held]
    return tuple(reasons)


def _outcome_reason(record: DrillRecord, outcome: Outcome) -> str:
    if outcome == "error":
        return f"the drill stopped on an error: {_message_of(record, EventKind.DRILL_ERROR)}"
    if outcome == "aborted":
        return f"the drill was aborted: {_message_of(record, EventKind.DRILL_ABORTED)}"
    if _first(record.timeline, EventKind.FAULT_INJECTED) is None:
        return "no fault was injected, so there was nothing to recover from"
    return "the system did not recover before the drill ended"


def _message_of(record: DrillRecord, kind: EventKind) -> str:
    found = _first(record.timeline, kind)
    return found[1].message if found is not None and found[1].message else "no message recorded"


def _objective_reason(result: ObjectiveResult) -> str:
    label = result.metric.replace("_", " ")
    target = format_duration(result.target_s)
    if result.actual_s is None:
        return f"{label} objective missed: it never happened (target {target})"
    measured = with_resolution(result.actual_s, result.resolution_s)
    if result.verdict == "undecided":
        return (
            f"{label} objective undecided: {measured} is too close to its target of {target} to tell at this time "
            "scale; drill it at a finer one"
        )
    return f"{label} objective missed: {measured} against a target of {target}"


def with_resolution(seconds: float, resolution_s: float | None) -> str:
    """A time as a report shows it: ``58m ± 1m``, or alone when its resolution is unknown or nil."""
    shown = format_duration(seconds)
    return shown if not resolution_s else f"{shown} ± {format_duration(resolution_s)}"


def _step_reasons(steps: Sequence[StepResult]) -> list[str]:
    """A failed step with what it ran and why; the steps never carried out, named together."""
    reasons = [_failed_step_reason(step) for step in steps if step.status == "failed"]
    not_run = [step.name for step in steps if step.status == "not_run"]
    if not_run:
        names = ", ".join(repr(name) for name in not_run)
        reasons.append(f"response step{'s' if len(not_run) > 1 else ''} never carried out: {names}")
    return reasons


def _failed_step_reason(step: StepResult) -> str:
    lines = step.command.splitlines() if step.command else []
    ran = f" (`{lines[0]}`{' …' if len(lines) > 1 else ''})" if lines else ""
    return f"response step {step.name!r}{ran} failed: {step.detail or 'no detail recorded'}"


def _invariant_reason(result: InvariantResult) -> str:
    if result.status == "not_checked":
        return f"invariant {result.name!r} was never checked"
    detail = f": {result.detail}" if result.detail else ""
    return f"invariant {result.name!r} broke{detail}"
