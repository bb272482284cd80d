"""report.md: a post-incident review already filled in, rendered from the record alone."""

from __future__ import annotations

from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any, Final

import jinja2

from drills.durations import format_duration
from drills.reports.actions import action_items
from drills.reports.formatting import cell, clock, data_summary, duration, measured, scale, wall
from drills.scoring.score import (
    DEFINITIONS,
    METRICS,
    EscalationResult,
    InvariantResult,
    Score,
    StepResult,
    points_lost,
    score,
)
from drills.severity import PointsRule
from drills.timeline import DEPLOY_TOOL, DrillRecord, Event, EventKind

TEMPLATES: Final = Path(__file__).parent / "templates"
METRIC_NAMES: Final = {
    "time_to_detect": "Time to detect",
    "time_to_acknowledge": "Time to acknowledge",
    "time_to_recover": "Time to recover",
}


@cache
def _environment() -> jinja2.Environment:
    # Markdown, not HTML: nothing to autoescape; table cells are escaped by `cell` where text is built.
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=False,
    )
    environment.filters["cell"] = cell
    return environment


def render_markdown(record: DrillRecord) -> str:
    result = score(record)
    return _environment().get_template("report.md.j2").render(**_context(record, result))


def _context(record: DrillRecord, result: Score) -> dict[str, Any]:
    scenario = record.scenario
    return {
        "record": record,
        "scenario": scenario,
        "verdict": "passed" if result.passed else "failed",
        "outcome": result.outcome.replace("_", " "),
        "response_target": format_duration(record.policy.targets(scenario.severity).acknowledge),
        "time_scale": scale(record.time_scale),
        "finished_at": "—" if record.finished_at is None else _when(record.finished_at),
        "started_at": _when(record.started_at),
        "summary": _summary(record, result),
        "impact": _impact(record, result),
        "timeline": [_timeline_row(event) for event in record.timeline],
        "resolution": _resolution(record, result),
        "metrics": _metric_rows(record, result),
        "escalation": [_escalation_row(rule) for rule in result.escalation],
        "hints": [f"{clock(hint.at_s)} {hint.hint}" + _cost(hint.cost) for hint in result.hints],
        "points": f"{result.points} of {record.policy.points.full}",
        "points_summary": _points_summary(result, record.policy.points),
        "points_lost": _points_lost_rows(result, record.policy.points),
        "points_rule": record.policy.points.text(),
        "invariants": [_invariant_row(invariant) for invariant in result.invariants],
        # Every step's line is in the resolution already; the table is for a response that did not go to plan.
        "steps": [_step_row(step) for step in result.steps] if any(s.status != "ok" for s in result.steps) else [],
        "actions": action_items(record, result),
    }


def _when(moment: datetime) -> str:
    return f"{moment:%Y-%m-%d %H:%M:%S} UTC"


def _fault(record: DrillRecord) -> Event | None:
    return next((event for event in record.timeline if event.kind is EventKind.FAULT_INJECTED), None)


def _summary(record: DrillRecord, result: Score) -> str:
    fault = _fault(record)
    sentences = [record.scenario.description] if record.scenario.description else []
    if fault is None:
        sentences.append("No fault was injected during this drill.")
    else:
        metrics = result.metrics
        sentences.append(f"The fault `{fault.text('fault')}` was injected at {clock(fault.scenario_at)}.")
        sentences.append(_happened("A monitor fired", metrics.time_to_detect_scenario_s, "No monitor fired"))
        sentences.append(
            _happened("The responder acknowledged", metrics.time_to_acknowledge_scenario_s, "Nobody acknowledged")
        )
        sentences.append(_happened("Service recovered", metrics.time_to_recover_scenario_s, "Service did not recover"))
    verdict = "Verdict: **passed**." if result.passed else f"Verdict: **failed**: {'; '.join(result.reasons)}."
    return " ".join([*sentences, verdict])


def _happened(what: str, after: float | None, otherwise: str) -> str:
    return f"{otherwise} after it." if after is None else f"{what} {format_duration(after)} after it."


def _impact(record: DrillRecord, result: Score) -> list[str]:
    fault = _fault(record)
    if fault is None:
        return ["No fault was injected, so there was no impact to measure."]
    return [_impact_duration(record, result, fault), *_monitors_fired(record, fault), _broken(result)]


def _impact_duration(record: DrillRecord, result: Score, fault: Event) -> str:
    recovered = result.metrics.time_to_recover_scenario_s
    if recovered is None:
        lasted = record.timeline[-1].scenario_at - fault.scenario_at
        return f"Service was still impaired when the drill ended: at least {format_duration(lasted)} (scenario time)."
    return (
        f"Service was impaired for {format_duration(recovered)} (scenario time; "
        f"{wall(result.metrics.time_to_recover_s)} wall), from {clock(fault.scenario_at)} until the recovery "
        f"window opened at {clock(fault.scenario_at + recovered)}."
    )


def _monitors_fired(record: DrillRecord, fault: Event) -> list[str]:
    after = record.timeline[record.timeline.index(fault) :]
    fired = list(dict.fromkeys(e.text("monitor") for e in after if e.kind is EventKind.MONITOR_FIRED))
    lines = [f"Monitors that fired: {_names(fired)}." if fired else "No monitor fired after the fault."]
    silent = [name for name in record.scenario.monitors if name not in fired]
    if silent:
        lines.append(f"Declared monitors that never fired: {_names(silent)}.")
    return lines


def _broken(result: Score) -> str:
    broken = [invariant.name for invariant in result.invariants if invariant.status == "broken"]
    return f"Invariants broken: {_names(broken)}." if broken else "No invariant was seen to break."


def _names(names: list[str]) -> str:
    return ", ".join(f"`{name}`" for name in names)


def _timeline_row(event: Event) -> dict[str, str]:
    details = " ".join(part for part in (event.message, f"({data_summary(event.data)})" if event.data else "") if part)
    return {
        "wall": f"{event.at:.3f}",
        "scenario": clock(event.scenario_at),
        "kind": event.kind.value,
        "source": cell(event.source),
        "details": cell(details),
    }


def _person_note(event: Event) -> bool:
    return event.kind is EventKind.NOTE and event.source.startswith("responder:") and event.source != "responder:auto"


def _resolution(record: DrillRecord, result: Score) -> list[str]:
    # What changed the world: the responder's steps, and every change made through the deploy tool (a person's).
    done = [
        e
        for e in record.timeline
        if e.kind is EventKind.STEP_FINISHED or (e.kind is EventKind.COMMAND and e.source == DEPLOY_TOOL)
    ]
    lines = [f"{clock(e.scenario_at)} {e.message or e.optional_text('step') or 'step finished'}" for e in done]
    if not lines:
        lines.append("No response step was recorded.")
    lines += [f"{clock(e.scenario_at)} note by {e.source}: {e.message}" for e in record.timeline if _person_note(e)]
    commands = sum(1 for e in record.timeline if e.kind is EventKind.COMMAND)
    if commands:
        lines.append(f"The responder ran {commands} command(s); each is in the timeline.")
    for revert in result.reverts:
        state = "reverted" if revert.ok else f"**not reverted**: {revert.error or 'no reason given'}"
        lines.append(f"Fault `{revert.fault}` {state}.")
    return lines


def _metric_rows(record: DrillRecord, result: Score) -> list[dict[str, str]]:
    objectives = {objective.metric: objective for objective in result.objectives}
    rows = []
    for metric in METRICS:
        objective = objectives[metric]
        rows.append(
            {
                "name": METRIC_NAMES[metric],
                "scenario": measured(objective.actual_s, objective.resolution_s),
                "wall": wall(objective.actual_wall_s),
                "target": format_duration(objective.target_s),
                "source": "scenario" if objective.source == "scenario" else f"{record.scenario.severity} default",
                "met": {"met": "yes", "missed": "**no**", "undecided": "undecided (too close to call)"}[
                    objective.verdict
                ],
                "definition": DEFINITIONS[metric],
            }
        )
    return rows


def _escalation_row(rule: EscalationResult) -> dict[str, str]:
    kept = "not due" if not rule.due else ("yes" if rule.met else "**no**")
    return {
        "rule": f"{rule.level} within {format_duration(rule.within_s)}",
        "escalated": duration(rule.escalated_after_s),
        "kept": kept,
    }


def _invariant_row(invariant: InvariantResult) -> dict[str, str]:
    result = {"held": "held", "broken": "**broken**", "not_checked": "not checked"}[invariant.status]
    return {
        "name": invariant.name if invariant.declared else f"{invariant.name} (not declared)",
        "result": result,
        "checks": str(invariant.checks),
        "detail": cell(invariant.detail or ""),
        # A fence inside the evidence would end its code block early.
        "evidence": (invariant.evidence or "").replace("`" * 3, "'" * 3),
    }


def _step_row(step: StepResult) -> dict[str, str]:
    result = {"ok": "ok", "failed": "**failed**", "not_run": "**never carried out**"}[step.status]
    ran = f"`{step.command.splitlines()[0]}`: " if step.command else ""
    return {"name": cell(step.name), "result": result, "detail": cell(ran + (step.detail or ""))}


def _points_summary(result: Score, rule: PointsRule) -> str:
    total = f"**{result.points}** of {rule.full} points"
    if result.outcome != "recovered":
        return f"{total}: a drill that did not recover scores 0."
    return f"{total}." if _points_lost_rows(result, rule) else f"{total}: no hint taken and nothing missed."


def _points_lost_rows(result: Score, rule: PointsRule) -> list[dict[str, str]]:
    """Each deduction of a recovered drill; one that did not recover scores 0 whatever else it missed."""
    if result.outcome != "recovered":
        return []
    lost = points_lost(result.hints, result.objectives, result.invariants, result.escalation, rule)
    return [{"points": f"{item.points:g}", "reason": cell(item.reason)} for item in lost]


def _cost(cost: float | None) -> str:
    return "" if cost is None else f" (cost {cost:g})"
