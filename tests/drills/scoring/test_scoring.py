"""Scoring from hand-built timelines. At a time scale of 60, one wall second is one scenario minute."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from pydantic import JsonValue

from drills.scoring.score import (
    DEFINITIONS,
    POINTS_RULE,
    EscalationResult,
    HintUse,
    InvariantResult,
    Metrics,
    ObjectiveResult,
    PointsLost,
    RevertResult,
    Score,
    StepResult,
    check_escalation,
    check_invariants,
    check_objectives,
    check_steps,
    hints_used,
    measure,
    outcome_of,
    points,
    points_lost,
    reverts,
    score,
)
from drills.timeline import (
    DrillRecord,
    Event,
    EventKind,
    ObjectiveTargets,
    Responder,
    ScenarioSummary,
    Severity,
)

SCALE = 60.0
K = EventKind


def ev(at: float, kind: EventKind, message: str = "", **data: JsonValue) -> Event:
    return Event(at=at, scenario_at=at * SCALE, kind=kind, source="runner", message=message, data=data)


def drill(
    *timeline: Event,
    severity: Severity = Severity.P1,
    objectives: ObjectiveTargets | None = None,
    invariants: tuple[str, ...] = (),
    response: tuple[str, ...] = (),
    responder: Responder | None = None,
) -> DrillRecord:
    scenario = ScenarioSummary(
        id="oauth-refresh-failing",
        title="OAuth refresh failing",
        severity=severity,
        objectives=objectives or ObjectiveTargets(),
        invariants=invariants,
        response=response,
        recovery_hold_s=120,
    )
    return DrillRecord(
        drill_id="d-1",
        scenario=scenario,
        runtime="local",
        seed=1,
        time_scale=SCALE,
        responder=responder or Responder(kind="auto", name="runner"),
        started_at=datetime(2024, 5, 1, 10, 0, tzinfo=UTC),
        timeline=timeline,
    )


FAULT = ev(10, K.FAULT_INJECTED, fault="rotate-secret")
FIRED = ev(14, K.MONITOR_FIRED, monitor="token-refresh-errors")
ACKED = ev(20, K.ACKNOWLEDGED)
RECOVERED = ev(70, K.RECOVERED, window_started_at=50.0)
FINISHED = ev(75, K.DRILL_FINISHED)


def test_measure_times_each_interval_from_the_first_fault() -> None:
    record = drill(ev(0, K.DRILL_STARTED), FAULT, FIRED, ACKED, RECOVERED, FINISHED)

    assert measure(record) == Metrics(
        time_to_detect_s=4.0,
        time_to_acknowledge_s=10.0,
        time_to_recover_s=40.0,
        time_to_detect_scenario_s=240.0,
        time_to_acknowledge_scenario_s=600.0,
        time_to_recover_scenario_s=2400.0,
        # The test records carry no polling interval: only the world's own polling at scale 60 (0.1 s -> 6 s).
        time_to_detect_resolution_s=6.0,
        time_to_acknowledge_resolution_s=6.0,
        time_to_recover_resolution_s=6.0,
    )


def test_measure_ignores_a_monitor_that_fired_before_the_fault() -> None:
    early = ev(5, K.MONITOR_FIRED, monitor="flaky")
    record = drill(early, FAULT, ev(16, K.MONITOR_FIRED, monitor="token-refresh-errors"))

    assert (measure(record).time_to_detect_s, measure(record).time_to_detect_scenario_s) == (6.0, 360.0)


def test_measure_counts_from_when_the_fault_began_to_go_in() -> None:
    """A redeploy's symptom can page before the redeploy is done: it counts, from the redeploy's start."""
    redeploy = ev(10, K.FAULT_INJECTED, fault="stale-secret", started_at=8.0)
    too_early = ev(7, K.MONITOR_FIRED, monitor="flaky")
    record = drill(too_early, ev(9, K.MONITOR_FIRED, monitor="ticks-refused"), redeploy, ev(12, K.ACKNOWLEDGED))

    assert (measure(record).time_to_detect_s, measure(record).time_to_acknowledge_s) == (1.0, 4.0)


def test_a_fault_cannot_begin_after_it_was_in() -> None:
    with pytest.raises(ValueError, match=r"data\.started_at must be a number between"):
        ev(10, K.FAULT_INJECTED, fault="f", started_at=11.0)


def test_measure_counts_only_the_first_fault() -> None:
    record = drill(FAULT, ev(30, K.FAULT_INJECTED, fault="second"), ev(35, K.MONITOR_FIRED, monitor="m"))

    assert measure(record).time_to_detect_s == 25.0


def test_measure_is_none_for_what_never_happened() -> None:
    assert measure(drill(ev(0, K.DRILL_STARTED), FAULT, FINISHED)) == Metrics()


def test_measure_is_none_without_a_fault() -> None:
    assert measure(drill(ev(3, K.MONITOR_FIRED, monitor="m"), ev(4, K.ACKNOWLEDGED))) == Metrics()


def test_measure_never_counts_a_recovery_window_from_before_the_fault() -> None:
    record = drill(FAULT, ev(12, K.RECOVERED, window_started_at=8.0))

    assert (measure(record).time_to_recover_s, measure(record).time_to_recover_scenario_s) == (0.0, 0.0)


def test_definitions_say_where_each_interval_starts_and_ends() -> None:
    ends = {
        "time_to_detect": "to the first monitor_fired event from then on",
        "time_to_acknowledge": "to the first acknowledged event from then on",
        "time_to_recover": "to the start of the recovery window that then held",
    }

    assert {
        name: (text.startswith("From the moment the first fault began to go in"), ends[name] in text)
        for name, text in DEFINITIONS.items()
    } == dict.fromkeys(ends, (True, True))


@pytest.mark.parametrize(
    ("severity", "targets"),
    [
        (Severity.P1, (300.0, 900.0, 3600.0)),
        (Severity.P2, (900.0, 3600.0, 14400.0)),
        (Severity.P3, (3600.0, 14400.0, 86400.0)),
        (Severity.P4, (14400.0, 86400.0, 259200.0)),
    ],
)
def test_check_objectives_defaults_to_the_severity_targets(
    severity: Severity, targets: tuple[float, float, float]
) -> None:
    results = check_objectives(drill(severity=severity).scenario, Metrics())

    assert [(r.metric, r.target_s, r.source) for r in results] == [
        ("time_to_detect", targets[0], "severity"),
        ("time_to_acknowledge", targets[1], "severity"),
        ("time_to_recover", targets[2], "severity"),
    ]


def test_check_objectives_prefers_what_the_scenario_declares() -> None:
    scenario = drill(objectives=ObjectiveTargets(time_to_detect_s=120, time_to_recover_s=1800)).scenario

    assert [(r.metric, r.target_s, r.source) for r in check_objectives(scenario, Metrics())] == [
        ("time_to_detect", 120.0, "scenario"),
        ("time_to_acknowledge", 900.0, "severity"),
        ("time_to_recover", 1800.0, "scenario"),
    ]


def test_check_objectives_is_met_up_to_and_including_the_target() -> None:
    metrics = Metrics(
        time_to_detect_s=5.0,
        time_to_detect_scenario_s=300.0,
        time_to_acknowledge_s=15.5,
        time_to_acknowledge_scenario_s=930.0,
    )

    assert check_objectives(drill().scenario, metrics) == (
        ObjectiveResult(
            metric="time_to_detect",
            target_s=300.0,
            source="severity",
            actual_s=300.0,
            actual_wall_s=5.0,
            met=True,
            verdict="met",
        ),
        ObjectiveResult(
            metric="time_to_acknowledge",
            target_s=900.0,
            source="severity",
            actual_s=930.0,
            actual_wall_s=15.5,
            met=False,
            verdict="missed",
        ),
        ObjectiveResult(
            metric="time_to_recover",
            target_s=3600.0,
            source="severity",
            actual_s=None,
            actual_wall_s=None,
            met=False,
            verdict="missed",
        ),
    )


def test_check_invariants_reports_held_broken_and_not_checked() -> None:
    record = drill(
        ev(60, K.INVARIANT_CHECKED, invariant="no-lost-rows", held=True, detail="120 = 120"),
        ev(61, K.INVARIANT_CHECKED, invariant="audit-chain", held=True),
        ev(62, K.INVARIANT_CHECKED, invariant="audit-chain", held=False, detail="link 41 broken"),
        ev(63, K.INVARIANT_CHECKED, invariant="audit-chain", held=True),
        ev(64, K.INVARIANT_CHECKED, invariant="undeclared", held=True),
        invariants=("no-lost-rows", "audit-chain", "no-double-charge"),
    )

    assert check_invariants(record) == (
        InvariantResult(name="no-lost-rows", declared=True, status="held", held=True, checks=1, detail="120 = 120"),
        InvariantResult(
            name="audit-chain", declared=True, status="broken", held=False, checks=3, detail="link 41 broken"
        ),
        InvariantResult(
            name="no-double-charge", declared=True, status="not_checked", held=False, checks=0, detail=None
        ),
        InvariantResult(name="undeclared", declared=False, status="held", held=True, checks=1, detail=None),
    )


@pytest.mark.parametrize(
    ("timeline", "outcome"),
    [
        ((FAULT, RECOVERED, FINISHED), "recovered"),
        ((FAULT, FIRED, FINISHED), "not_recovered"),
        ((ev(0, K.DRILL_STARTED), FINISHED), "not_recovered"),
        ((FAULT, ev(30, K.DRILL_ABORTED, "Ctrl-C")), "aborted"),
        ((FAULT, RECOVERED, ev(72, K.DRILL_ABORTED, "Ctrl-C")), "aborted"),
        ((FAULT, RECOVERED, ev(72, K.DRILL_ERROR, "revert failed")), "error"),
        ((FAULT, ev(20, K.DRILL_ABORTED), ev(21, K.DRILL_ERROR)), "error"),
    ],
)
def test_outcome_of_each_way_a_drill_ends(timeline: tuple[Event, ...], outcome: str) -> None:
    assert outcome_of(drill(*timeline)) == outcome


def _escalation(record: DrillRecord) -> tuple[EscalationResult, ...]:
    return check_escalation(record, measure(record))


def test_check_escalation_p1_escalated_in_time_while_unrecovered() -> None:
    record = drill(
        FAULT,
        ev(30, K.ESCALATED, level="L2"),
        ev(60, K.ESCALATED, level="L3"),
        ev(80, K.RECOVERED, window_started_at=75.0),
    )

    assert _escalation(record) == (
        EscalationResult(level="L2", within_s=1800.0, due=True, escalated_after_s=1200.0, met=True),
        EscalationResult(level="L3", within_s=3600.0, due=True, escalated_after_s=3000.0, met=True),
    )


def test_check_escalation_p1_not_escalated_or_too_late() -> None:
    record = drill(FAULT, ev(45, K.ESCALATED, level="L2"), ev(90, K.DRILL_FINISHED))

    assert _escalation(record) == (
        EscalationResult(level="L2", within_s=1800.0, due=True, escalated_after_s=2100.0, met=False),
        EscalationResult(level="L3", within_s=3600.0, due=True, escalated_after_s=None, met=False),
    )


def test_check_escalation_straight_to_l3_satisfies_l2() -> None:
    record = drill(FAULT, ev(20, K.ESCALATED, level="L3"), ev(90, K.DRILL_FINISHED))

    assert [(r.level, r.escalated_after_s, r.met) for r in _escalation(record)] == [
        ("L2", 600.0, True),
        ("L3", 600.0, True),
    ]


def test_check_escalation_is_not_due_when_recovered_within_the_deadline() -> None:
    record = drill(FAULT, ev(45, K.RECOVERED, window_started_at=40.0), ev(50, K.DRILL_FINISHED))

    assert _escalation(record) == (
        EscalationResult(level="L2", within_s=1800.0, due=False, escalated_after_s=None, met=True),
        EscalationResult(level="L3", within_s=3600.0, due=False, escalated_after_s=None, met=True),
    )


def test_check_escalation_is_not_due_when_the_drill_ended_before_the_deadline() -> None:
    record = drill(FAULT, ev(35, K.DRILL_ABORTED))

    assert [(r.level, r.due, r.met) for r in _escalation(record)] == [("L2", False, True), ("L3", False, True)]


def test_check_escalation_p2_only_requires_l2() -> None:
    record = drill(FAULT, ev(80, K.DRILL_FINISHED), severity=Severity.P2)

    assert _escalation(record) == (
        EscalationResult(level="L2", within_s=1800.0, due=True, escalated_after_s=None, met=False),
    )


@pytest.mark.parametrize("severity", [Severity.P3, Severity.P4])
def test_check_escalation_has_no_rule_below_p2(severity: Severity) -> None:
    assert _escalation(drill(FAULT, ev(200, K.DRILL_FINISHED), severity=severity)) == ()


def test_hints_used_lists_each_hint_with_its_cost() -> None:
    record = drill(
        FAULT,
        ev(12, K.HINT_TAKEN, "look at the scheduler log", hint="scheduler-log", cost=10),
        ev(13, K.HINT_TAKEN, "check the secret"),
    )

    assert hints_used(record) == (
        HintUse(at_s=720.0, hint="scheduler-log", cost=10.0),
        HintUse(at_s=780.0, hint="check the secret", cost=None),
    )


def test_reverts_reports_each_fault_with_its_last_revert() -> None:
    record = drill(
        FAULT,
        ev(11, K.FAULT_INJECTED, fault="latency"),
        ev(12, K.FAULT_INJECTED, fault="kill-redis"),
        ev(80, K.FAULT_REVERTED, fault="rotate-secret", ok=False, error="proxy gone"),
        ev(81, K.FAULT_REVERTED, fault="rotate-secret", ok=True),
        ev(82, K.FAULT_REVERTED, fault="latency", ok=False, error="toxic not found"),
    )

    assert reverts(record) == (
        RevertResult(fault="rotate-secret", ok=True, error=None),
        RevertResult(fault="latency", ok=False, error="toxic not found"),
        RevertResult(fault="kill-redis", ok=False, error="no revert was recorded"),
    )


def test_score_passes_a_recovered_drill_within_every_objective() -> None:
    record = drill(
        FAULT,
        FIRED,
        ACKED,
        RECOVERED,
        ev(72, K.INVARIANT_CHECKED, invariant="no-lost-rows", held=True),
        FINISHED,
        invariants=("no-lost-rows",),
    )

    result = score(record)

    assert (result.outcome, result.passed, result.reasons) == ("recovered", True, ())


def test_score_gives_every_reason_a_drill_failed() -> None:
    record = drill(
        FAULT,
        ev(17, K.MONITOR_FIRED, monitor="m"),
        ev(72, K.INVARIANT_CHECKED, invariant="no-lost-rows", held=False, detail="3 rows missing"),
        ev(80, K.DRILL_ABORTED, "responder gave up"),
        invariants=("no-lost-rows", "audit-chain"),
    )

    result = score(record)

    assert (result.outcome, result.passed, result.reasons) == (
        "aborted",
        False,
        (
            "the drill was aborted: responder gave up",
            "time to detect objective missed: 7m ± 6s against a target of 5m",
            "time to acknowledge objective missed: it never happened (target 15m)",
            "time to recover objective missed: it never happened (target 1h)",
            "invariant 'no-lost-rows' broke: 3 rows missing",
            "invariant 'audit-chain' was never checked",
        ),
    )


def test_score_fails_a_recovered_drill_that_missed_one_objective() -> None:
    record = drill(FAULT, FIRED, ev(40, K.ACKNOWLEDGED), RECOVERED, FINISHED)

    result = score(record)

    assert (result.outcome, result.passed, result.reasons) == (
        "recovered",
        False,
        ("time to acknowledge objective missed: 30m ± 6s against a target of 15m",),
    )


def _hint(at: float, name: str, cost: float | None = 10) -> Event:
    return (
        ev(at, K.HINT_TAKEN, f"hint: {name}", hint=name) if cost is None else ev(at, K.HINT_TAKEN, hint=name, cost=cost)
    )


# Recovered 25 scenario minutes after the fault: before any escalation rule of a P1 is due.
QUICKLY = ev(45, K.RECOVERED, window_started_at=35.0)


def test_score_points_are_full_for_a_clean_recovery() -> None:
    assert score(drill(FAULT, FIRED, ACKED, QUICKLY, FINISHED)).points == 100


def test_score_points_lose_each_hints_cost_and_nothing_for_a_hint_without_one() -> None:
    record = drill(FAULT, FIRED, ACKED, _hint(21, "Confirm"), _hint(22, "Fix", 20), _hint(23, "Verify", None), QUICKLY)

    assert score(record).points == 70


def test_score_points_lose_20_per_objective_missed() -> None:
    record = drill(FAULT, ev(17, K.MONITOR_FIRED, monitor="m"), ev(30, K.ACKNOWLEDGED), QUICKLY, FINISHED)

    assert score(record).points == 60


def test_score_points_lose_20_per_declared_invariant_broken_or_never_checked() -> None:
    record = drill(
        FAULT,
        FIRED,
        ACKED,
        QUICKLY,
        ev(71, K.INVARIANT_CHECKED, invariant="no-lost-rows", held=False),
        ev(72, K.INVARIANT_CHECKED, invariant="audit-chain", held=True),
        ev(73, K.INVARIANT_CHECKED, invariant="not-declared", held=False),
        invariants=("no-lost-rows", "audit-chain", "no-double-charge"),
    )

    assert score(record).points == 60


def test_score_points_lose_10_per_escalation_due_and_not_made() -> None:
    # Recovered 40m after the fault: the P1's L2 rule (30m) was due and not kept, its L3 rule (1h) was not due.
    record = drill(FAULT, FIRED, ACKED, ev(70, K.RECOVERED, window_started_at=50.0), FINISHED)
    late = drill(FAULT, FIRED, ACKED, ev(45, K.ESCALATED, level="L2"), ev(70, K.RECOVERED, window_started_at=50.0))
    in_time = drill(FAULT, FIRED, ACKED, ev(35, K.ESCALATED, level="L2"), ev(70, K.RECOVERED, window_started_at=50.0))

    assert (score(record).points, score(late).points, score(in_time).points) == (90, 90, 100)


@pytest.mark.parametrize(
    "ending",
    [
        (FIRED, ACKED, FINISHED),
        (FIRED, ACKED, RECOVERED, ev(72, K.DRILL_ABORTED, "gave up")),
        (FIRED, ACKED, RECOVERED, ev(72, K.DRILL_ERROR, "revert failed")),
    ],
    ids=["not_recovered", "aborted", "error"],
)
def test_score_points_are_0_unless_the_drill_recovered(ending: tuple[Event, ...]) -> None:
    assert score(drill(FAULT, *ending)).points == 0


def test_score_points_never_go_below_0() -> None:
    hints = [_hint(21 + index, f"hint {index}", 30) for index in range(4)]

    assert score(drill(FAULT, FIRED, ACKED, *hints, QUICKLY)).points == 0


def test_score_points_round_a_fraction_of_a_point_lost_down() -> None:
    assert score(drill(FAULT, FIRED, ACKED, _hint(21, "Confirm", 2.5), QUICKLY)).points == 97


def test_points_lost_says_what_each_deduction_was_for_in_the_rules_order() -> None:
    record = drill(
        FAULT,
        ev(17, K.MONITOR_FIRED, monitor="m"),
        _hint(18, "Confirm", 10),
        _hint(19, "Fix", -5),
        ev(72, K.INVARIANT_CHECKED, invariant="no-lost-rows", held=False, detail="3 rows missing"),
        ev(80, K.DRILL_FINISHED),
        invariants=("no-lost-rows",),
    )
    result = score(record)

    assert points_lost(result.hints, result.objectives, result.invariants, result.escalation) == (
        PointsLost(reason="hint: Confirm", points=10.0),
        PointsLost(reason="hint: Fix", points=0.0),
        PointsLost(reason="time to detect objective missed", points=20.0),
        PointsLost(reason="time to acknowledge objective missed", points=20.0),
        PointsLost(reason="time to recover objective missed", points=20.0),
        PointsLost(reason="invariant 'no-lost-rows' broke: 3 rows missing", points=20.0),
        PointsLost(reason="no escalation to L2 within 30m", points=10.0),
        PointsLost(reason="no escalation to L3 within 1h", points=10.0),
    )


def test_points_take_every_deduction_off_100_only_for_a_recovery() -> None:
    lost = (PointsLost(reason="a", points=10.0), PointsLost(reason="b", points=20.0))

    assert (points("recovered", lost), points("not_recovered", ()), points("recovered", ())) == (70, 0, 100)


def test_points_rule_is_documented_word_for_word() -> None:
    docs = (Path(__file__).parents[3] / "docs" / "reports.md").read_text(encoding="utf-8")

    assert POINTS_RULE in " ".join(docs.split())


def test_definitions_are_documented_word_for_word() -> None:
    docs = (Path(__file__).parents[3] / "docs" / "reports.md").read_text(encoding="utf-8").splitlines()

    assert [f"- **{name}**: {text}" in docs for name, text in DEFINITIONS.items()] == [True, True, True]


STEPS = ("acknowledge", "end the idle sessions", "raise the pool size")


def test_check_steps_says_which_step_finished_failed_or_never_ran() -> None:
    record = drill(
        FAULT,
        ev(15, K.STEP_FINISHED, step="acknowledge", ok=True),
        ev(
            16,
            K.STEP_FINISHED,
            "end the idle sessions: exit code 1",
            step="end the idle sessions",
            ok=False,
            detail="exit code: expected 0, got 1",
            command="psql -c 'select 1'\nexit 1",
        ),
        response=STEPS,
    )
    assert check_steps(record) == (
        StepResult(name="acknowledge", status="ok"),
        StepResult(
            name="end the idle sessions",
            status="failed",
            detail="exit code: expected 0, got 1",
            command="psql -c 'select 1'\nexit 1",
        ),
        StepResult(name="raise the pool size", status="not_run"),
    )


def test_score_fails_a_recovered_drill_whose_response_step_failed_or_was_skipped() -> None:
    record = drill(
        FAULT,
        FIRED,
        ACKED,
        ev(21, K.STEP_FINISHED, step="acknowledge", ok=True),
        ev(
            22,
            K.STEP_FINISHED,
            step="end the idle sessions",
            ok=False,
            detail="exit code: expected 0, got 1",
            command="psql -c 'select 1'\nexit 1",
        ),
        RECOVERED,
        response=STEPS,
    )
    result = score(record)
    assert (result.outcome, result.passed, result.reasons) == (
        "recovered",
        False,
        (
            "response step 'end the idle sessions' (`psql -c 'select 1'` …) failed: exit code: expected 0, got 1",
            "response step never carried out: 'raise the pool size'",
        ),
    )


def test_score_passes_only_when_every_declared_step_finished_ok() -> None:
    finished = [ev(21 + i, K.STEP_FINISHED, step=name, ok=True) for i, name in enumerate(STEPS)]
    result = score(drill(FAULT, FIRED, ACKED, *finished, RECOVERED, response=STEPS))
    assert (result.passed, [step.status for step in result.steps]) == (True, ["ok", "ok", "ok"])


def test_check_steps_is_empty_for_a_person_who_has_no_steps() -> None:
    record = drill(FAULT, response=STEPS, responder=Responder(kind="person", name="alice"))
    assert check_steps(record) == ()


def test_check_steps_of_an_earlier_record_without_the_response_lists_the_steps_it_ran() -> None:
    record = drill(FAULT, ev(15, K.STEP_FINISHED, step="look", ok=True), ev(16, K.STEP_FINISHED, step="fix", ok=False))
    assert [(step.name, step.status) for step in check_steps(record)] == [("look", "ok"), ("fix", "failed")]


def test_check_invariants_keeps_what_the_first_failing_check_read() -> None:
    record = drill(
        ev(1, K.INVARIANT_CHECKED, invariant="no report mailed twice", held=True, detail="no output"),
        ev(
            2,
            K.INVARIANT_CHECKED,
            invariant="no report mailed twice",
            held=False,
            detail="output: expected ''",
            evidence="2x ada@example.com: Timesheet report",
        ),
        ev(3, K.INVARIANT_CHECKED, invariant="no report mailed twice", held=False, detail="later", evidence="later"),
        invariants=("no report mailed twice",),
    )
    (result,) = check_invariants(record)
    assert (result.status, result.detail, result.evidence) == (
        "broken",
        "output: expected ''",
        "2x ada@example.com: Timesheet report",
    )


def test_each_time_carries_the_interval_it_was_read_at_and_the_worlds_own_polling() -> None:
    fired = ev(14, K.MONITOR_FIRED, monitor="token-refresh-errors", interval_s=60.0)
    recovered = ev(60, K.RECOVERED, window_started_at=50.0, interval_s=30.0)
    metrics = measure(drill(FAULT, fired, ev(20, K.ACKNOWLEDGED), recovered))
    assert (
        metrics.time_to_detect_resolution_s,
        metrics.time_to_acknowledge_resolution_s,
        metrics.time_to_recover_resolution_s,
    ) == (66.0, 66.0, 36.0)


@pytest.mark.parametrize(
    ("detected_at", "verdict", "reason"),
    [
        (13.5, "met", None),  # 3m30s ± 1m6s: even at its latest, within 5m
        (14.0, "undecided", "time to detect objective undecided: 4m ± 1m6s is too close to its target of 5m"),
        (15.5, "undecided", "time to detect objective undecided: 5m30s ± 1m6s is too close to its target of 5m"),
        (17.5, "missed", "time to detect objective missed: 7m30s ± 1m6s against a target of 5m"),
    ],
)
def test_an_objective_within_a_times_resolution_is_undecided_and_costs_no_points(
    detected_at: float, verdict: str, reason: str | None
) -> None:
    def scored(at: float) -> Score:
        fired = ev(at, K.MONITOR_FIRED, monitor="token-refresh-errors", interval_s=60.0)
        return score(drill(FAULT, fired, ACKED, RECOVERED, FINISHED))

    result, met = scored(detected_at), scored(13.5)
    detect = result.objectives[0]
    said = [text for text in result.reasons if text.startswith("time to detect")]
    assert (detect.verdict, detect.met, result.undecided == ("time_to_detect",)) == (
        verdict,
        verdict == "met",
        verdict == "undecided",
    )
    assert (len(said), reason is None or said[0].startswith(reason)) == (0 if reason is None else 1, True)
    assert (result.points == met.points) == (verdict != "missed")
