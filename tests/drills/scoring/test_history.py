"""History from hand-built records. Times are compared in scenario seconds, whatever each drill's time scale."""

from __future__ import annotations

from datetime import UTC, datetime

from drills.scoring.history import Attempt, MetricComparison, attempt_of, compare
from drills.timeline import DrillRecord, Event, EventKind, Responder, ScenarioSummary, Severity

ANA = Responder(kind="person", name="ana")
BEN = Responder(kind="person", name="ben")
RUNNER = Responder(kind="auto", name="runner")


def drill(
    drill_id: str,
    responder: Responder,
    day: int,
    detect: float | None,
    recover: float | None,
    *,
    scale: float = 1.0,
    scenario: str = "oauth-refresh-failing",
) -> DrillRecord:
    """A drill whose fault goes in at scenario second 60; `detect` and `recover` are scenario seconds after it."""

    def ev(scenario_at: float, kind: EventKind, **data: float | str) -> Event:
        return Event(at=scenario_at / scale, scenario_at=scenario_at, kind=kind, source="runner", data=data)

    timeline = [ev(0, EventKind.DRILL_STARTED), ev(60, EventKind.FAULT_INJECTED, fault="f")]
    if detect is not None:
        timeline.append(ev(60 + detect, EventKind.MONITOR_FIRED, monitor="m"))
    if recover is not None:
        timeline.append(ev(60 + recover + 120, EventKind.RECOVERED, window_started_at=(60 + recover) / scale))
    timeline.append(ev(5000, EventKind.DRILL_FINISHED))
    return DrillRecord(
        drill_id=drill_id,
        scenario=ScenarioSummary(id=scenario, title="t", severity=Severity.P2, recovery_hold_s=120),
        runtime="local",
        seed=1,
        time_scale=scale,
        responder=responder,
        started_at=datetime(2024, 5, day, 9, 0, tzinfo=UTC),
        timeline=tuple(timeline),
    )


def test_attempt_of_summarises_a_drill_in_scenario_seconds() -> None:
    assert attempt_of(drill("a1", ANA, 1, detect=120, recover=900, scale=60)) == Attempt(
        drill_id="a1",
        started_at=datetime(2024, 5, 1, 9, 0, tzinfo=UTC),
        responder=ANA,
        outcome="recovered",
        passed=False,
        hints=0,
        points=80,  # recovered, but nobody acknowledged: one objective missed
        time_to_detect_s=120.0,
        time_to_acknowledge_s=None,
        time_to_recover_s=900.0,
    )


def test_compare_against_the_responders_earlier_attempts_and_the_runners_best() -> None:
    attempt = drill("a3", ANA, 10, detect=200, recover=1500)
    history = [
        drill("a1", ANA, 1, detect=400, recover=3000),
        drill("a2", ANA, 5, detect=300, recover=None),
        drill("r1", RUNNER, 2, detect=90, recover=700, scale=60),
        drill("r2", RUNNER, 3, detect=60, recover=800, scale=60),
        drill("b1", BEN, 4, detect=10, recover=100),
        drill("x1", ANA, 2, detect=1, recover=1, scenario="another-scenario"),
        drill("a4", ANA, 12, detect=5, recover=5),
        attempt,
    ]

    comparison = compare(attempt, history)

    assert ([old.drill_id for old in comparison.earlier], comparison.runner_attempts) == (["a1", "a2"], 2)
    assert comparison.metrics == (
        MetricComparison(
            metric="time_to_detect",
            this_s=200.0,
            previous_s=300.0,
            personal_best_s=300.0,
            runner_best_s=60.0,
            change_from_previous_s=-100.0,
            behind_runner_s=140.0,
        ),
        MetricComparison(
            metric="time_to_acknowledge",
            this_s=None,
            previous_s=None,
            personal_best_s=None,
            runner_best_s=None,
            change_from_previous_s=None,
            behind_runner_s=None,
        ),
        MetricComparison(
            metric="time_to_recover",
            this_s=1500.0,
            previous_s=None,
            personal_best_s=3000.0,
            runner_best_s=700.0,
            change_from_previous_s=None,
            behind_runner_s=800.0,
        ),
    )


def test_compare_a_first_attempt_has_nothing_earlier() -> None:
    comparison = compare(drill("a1", ANA, 1, detect=100, recover=600), [])

    assert (comparison.earlier, comparison.runner_attempts, [m.previous_s for m in comparison.metrics]) == (
        (),
        0,
        [None, None, None],
    )


def test_compare_a_runner_drill_against_earlier_runner_drills() -> None:
    attempt = drill("r3", RUNNER, 9, detect=50, recover=600, scale=60)
    history = [drill("r1", RUNNER, 1, detect=80, recover=650, scale=60), drill("a1", ANA, 2, detect=1, recover=1)]

    comparison = compare(attempt, history)

    assert ([old.drill_id for old in comparison.earlier], comparison.metrics[0].change_from_previous_s) == (
        ["r1"],
        -30.0,
    )
