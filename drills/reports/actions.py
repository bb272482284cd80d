"""Action items for the review, derived from what the drill missed: objectives, invariants, reverts, escalation."""

from __future__ import annotations

from drills.durations import format_duration
from drills.scoring.score import EscalationResult, InvariantResult, ObjectiveResult, RevertResult, Score
from drills.timeline import DrillRecord, ScenarioSummary


def action_items(record: DrillRecord, result: Score) -> tuple[str, ...]:
    scenario = record.scenario
    items = [_outcome_item(result)] if result.outcome in ("error", "aborted") else []
    items += [_objective_item(scenario, objective) for objective in result.objectives if not objective.met]
    items += [_invariant_item(invariant) for invariant in result.invariants if not invariant.held]
    items += [_revert_item(revert) for revert in result.reverts if not revert.ok]
    items += [_escalation_item(scenario, rule) for rule in result.escalation if not rule.met]
    return tuple(items)


def _outcome_item(result: Score) -> str:
    return f"The drill did not run to its end ({result.reasons[0]}): fix the cause and run it again."


def _code(names: tuple[str, ...]) -> str:
    return ", ".join(f"`{name}`" for name in names) or "none declared"


def _runbook(scenario: ScenarioSummary) -> str:
    return f"the runbook ({scenario.runbook})" if scenario.runbook else "the runbook"


def _objective_item(scenario: ScenarioSummary, objective: ObjectiveResult) -> str:
    target = format_duration(objective.target_s)
    actual = None if objective.actual_s is None else format_duration(objective.actual_s)
    if objective.metric == "time_to_detect":
        return _detect_item(scenario, actual, target)
    if objective.metric == "time_to_acknowledge":
        return _acknowledge_item(actual, target)
    return _recover_item(scenario, actual, target)


def _detect_item(scenario: ScenarioSummary, actual: str | None, target: str) -> str:
    monitors = _code(scenario.monitors)
    if actual is None:
        return f"No monitor fired after the fault: add or fix a monitor that catches it (monitors: {monitors})."
    return f"Detection took {actual} against a {target} target: tighten the conditions or `for` of {monitors}."


def _acknowledge_item(actual: str | None, target: str) -> str:
    if actual is None:
        return "Nobody acknowledged the alert: check that it reaches the on-call responder."
    return f"Acknowledgement took {actual} against a {target} target: review paging and on-call routing."


def _recover_item(scenario: ScenarioSummary, actual: str | None, target: str) -> str:
    if actual is None:
        return f"The system did not recover: review the fix in {_runbook(scenario)}."
    return f"Recovery took {actual} against a {target} target: shorten the path to the fix in {_runbook(scenario)}."


def _invariant_item(invariant: InvariantResult) -> str:
    if invariant.status == "not_checked":
        return f"Invariant `{invariant.name}` was never checked: make the drill check it."
    detail = f" ({invariant.detail})" if invariant.detail else ""
    return f"Invariant `{invariant.name}` broke{detail}: find out how the incident or its fix broke it, and guard it."


def _revert_item(revert: RevertResult) -> str:
    return (
        f"Fault `{revert.fault}` was not reverted ({revert.error or 'no reason given'}): restore the world by hand "
        "(`drillbit down`) and fix the fault's revert."
    )


def _escalation_item(scenario: ScenarioSummary, rule: EscalationResult) -> str:
    late = rule.escalated_after_s
    when = "it was never escalated" if late is None else f"it was escalated only after {format_duration(late)}"
    return (
        f"A {scenario.severity} still unrecovered after {format_duration(rule.within_s)} must be escalated to "
        f"{rule.level} by then, and {when}: rehearse the escalation path."
    )
