"""Hand-built drill records for the report tests. At a time scale of 60, a wall second is a scenario minute."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from pydantic import JsonValue

from drills.timeline import DrillRecord, Event, EventKind, Responder, ScenarioSummary, Severity

SCALE = 60.0
K = EventKind
SECRET = "s3cr3t-client-secret!"
TOKEN = "eyJhbGciOi.token.value"


def ev(at: float, kind: EventKind, source: str, message: str = "", **data: JsonValue) -> Event:
    return Event(at=at, scenario_at=at * SCALE, kind=kind, source=source, message=message, data=data)


def scenario(severity: Severity = Severity.P1) -> ScenarioSummary:
    return ScenarioSummary(
        id="oauth-refresh-failing",
        title="OAuth refresh failing",
        severity=severity,
        runbook="runbooks/oauth.md#refresh-failing",
        description="The time-tracking provider rotated the app's client secret.",
        impact="Every tenant's nightly timesheet import fails; reports go out without hours.",
        invariants=("no-lost-timesheets",),
        monitors=("token-refresh-errors", "scheduler-failures"),
        recovery_hold_s=120,
        root_cause="The client secret was rotated at the provider but not in the app's settings.",
        fix="Redeploy the app with the provider's new client secret.",
    )


def record(*timeline: Event, severity: Severity = Severity.P1, drill_id: str = "d-1") -> DrillRecord:
    return DrillRecord(
        drill_id=drill_id,
        scenario=scenario(severity),
        runtime="local",
        seed=7,
        time_scale=SCALE,
        responder=Responder(kind="auto", name="runner"),
        started_at=datetime(2024, 5, 1, 10, 0, tzinfo=UTC),
        finished_at=datetime(2024, 5, 1, 10, 1, 15, tzinfo=UTC),
        timeline=timeline,
    )


def recovered_timeline() -> tuple[Event, ...]:
    return (
        ev(0, K.DRILL_STARTED, "runner", "drill started"),
        ev(10, K.FAULT_INJECTED, "fault:rotate-secret", "client secret rotated", fault="rotate-secret"),
        ev(14, K.MONITOR_FIRED, "monitor:token-refresh-errors", "refresh failing", monitor="token-refresh-errors"),
        ev(20, K.ACKNOWLEDGED, "responder:runner", "paged"),
        ev(35, K.ESCALATED, "responder:runner", "paged the platform team", level="L2"),
        ev(40, K.STEP_FINISHED, "responder:runner", "redeploy app with the new secret", step="redeploy", ok=True),
        ev(70, K.RECOVERED, "runner", "recovery held", window_started_at=50.0),
        ev(71, K.INVARIANT_CHECKED, "runner", "rows", invariant="no-lost-timesheets", held=True, detail="120 = 120"),
        ev(72, K.FAULT_REVERTED, "fault:rotate-secret", "reverted", fault="rotate-secret", ok=True),
        ev(75, K.DRILL_FINISHED, "runner", "drill finished"),
    )


def failed_timeline() -> tuple[Event, ...]:
    return (
        ev(0, K.DRILL_STARTED, "runner", "drill started"),
        ev(10, K.FAULT_INJECTED, "fault:rotate-secret", "client secret rotated", fault="rotate-secret"),
        ev(17, K.MONITOR_FIRED, "monitor:scheduler-failures", "scheduler | 403", monitor="scheduler-failures"),
        ev(80, K.INVARIANT_CHECKED, "runner", "rows", invariant="no-lost-timesheets", held=False, detail="3 missing"),
        ev(81, K.FAULT_REVERTED, "fault:rotate-secret", "revert", fault="rotate-secret", ok=False, error="gone"),
        ev(82, K.DRILL_FINISHED, "runner", "drill finished"),
    )


def leaky_timeline() -> tuple[Event, ...]:
    """A drill whose record mentions secrets everywhere a responder or a fault could put them."""
    return (
        ev(0, K.DRILL_STARTED, "runner", "drill started"),
        ev(10, K.FAULT_INJECTED, "fault:rotate-secret", f"rotated to {SECRET}", fault="rotate-secret", new=SECRET),
        ev(12, K.MONITOR_FIRED, "monitor:token-refresh-errors", "refresh failing", monitor="token-refresh-errors"),
        ev(13, K.ACKNOWLEDGED, "responder:ana", "on it"),
        ev(
            20,
            K.COMMAND,
            "responder:ana",
            f"curl -u drillbit-app:{SECRET} -H 'Authorization: Bearer {TOKEN}' | jq",
            argv=["curl", "-d", f"client_secret={SECRET}"],
            env={TOKEN: "as a key", "body": f'{{"secret": "{SECRET}"}}'},
        ),
        ev(30, K.RECOVERED, "runner", "recovery held", window_started_at=25.0),
        ev(31, K.INVARIANT_CHECKED, "runner", "rows", invariant="no-lost-timesheets", held=False, detail=TOKEN),
        ev(32, K.FAULT_REVERTED, "fault:rotate-secret", "revert", fault="rotate-secret", ok=False, error=SECRET),
        ev(33, K.DRILL_FINISHED, "runner", "drill finished"),
    )


@pytest.fixture
def recovered_record() -> DrillRecord:
    return record(*recovered_timeline())


@pytest.fixture
def failed_record() -> DrillRecord:
    return record(*failed_timeline(), drill_id="d-2")


@pytest.fixture
def leaky_record() -> DrillRecord:
    return record(*leaky_timeline(), drill_id="d-3")


@pytest.fixture
def make_record() -> Callable[..., DrillRecord]:
    return record


@pytest.fixture
def make_event() -> Callable[..., Event]:
    return ev


@pytest.fixture
def secrets() -> tuple[str, ...]:
    return (SECRET, TOKEN)
