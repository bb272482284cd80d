"""A team's severity policy: read from its file, kept in the record, and what a drill is scored by."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from drills.errors import InputError
from drills.reports import dumps_report, loads_report, render_markdown
from drills.scoring.score import score
from drills.severity import DEFAULT_POLICY, PointsRule, Severity, SeverityPolicy, SeverityTargets, load_policy
from drills.timeline import DrillRecord, Event, EventKind, Responder, ScenarioSummary
from tests.drills.cli.cli_runs import drillbit

TEAM_POLICY = """\
severities:
  P1: {detect: 2m, acknowledge: 5m, recover: 30m, escalate: {L2: 10m, L3: 20m}}
  P2: {detect: 15m, acknowledge: 1h, recover: 4h}
  P3: {detect: 1h, acknowledge: 4h, recover: 1d}
  P4: {detect: 4h, acknowledge: 1d, recover: 3d}
points: {full: 50, objective_missed: 5}
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "policy.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_load_policy_reads_durations_in_scenario_time(tmp_path: Path) -> None:
    policy = load_policy(write(tmp_path, TEAM_POLICY))
    assert (policy.targets(Severity.P1), policy.points) == (
        SeverityTargets(detect=120, acknowledge=300, recover=1800, escalate={"L2": 600, "L3": 1200}),
        PointsRule(full=50, objective_missed=5, invariant_not_held=20, escalation_missed=10),
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            TEAM_POLICY.replace("  P4: {detect: 4h, acknowledge: 1d, recover: 3d}\n", ""),
            "the policy says nothing of P4",
        ),
        (TEAM_POLICY.replace("detect: 2m", "detect: soon"), "severities.P1.detect: Value error, 'soon' is not a"),
        (TEAM_POLICY.replace("L3: 20m", "L9: 20m"), "severities.P1.escalate.L9.[key]: String should match pattern"),
        (TEAM_POLICY + "colour: red\n", "colour: Extra inputs are not permitted"),
        ("[1, 2", "cannot read the severity policy"),
    ],
)
def test_load_policy_names_what_is_wrong(tmp_path: Path, text: str, message: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(InputError) as raised:
        load_policy(path)
    assert (raised.value.exit_code, raised.value.message.startswith(f"{path}: "), message in str(raised.value)) == (
        2,
        True,
        True,
    ), str(raised.value)


def record(policy: SeverityPolicy) -> DrillRecord:
    """A P1 drill detected 4 scenario minutes after its fault and recovered 40 minutes after it."""

    def event(at: float, kind: EventKind, **data: float | str) -> Event:
        return Event(at=at, scenario_at=at * 60, kind=kind, source="runner", data=data)

    return DrillRecord(
        drill_id="d-1",
        scenario=ScenarioSummary(id="s", title="S", severity=Severity.P1, recovery_hold_s=60),
        runtime="local",
        seed=1,
        time_scale=60,
        responder=Responder(kind="auto", name="auto"),
        policy=policy,
        started_at=datetime(2024, 5, 1, 10, 0, tzinfo=UTC),
        timeline=(
            event(10, EventKind.FAULT_INJECTED, fault="f"),
            event(14, EventKind.MONITOR_FIRED, monitor="m"),
            event(14.5, EventKind.ACKNOWLEDGED),
            event(60, EventKind.RECOVERED, window_started_at=50.0),
        ),
    )


def test_score_judges_a_drill_by_the_policy_its_record_keeps(tmp_path: Path) -> None:
    team = load_policy(write(tmp_path, TEAM_POLICY))
    shipped, strict = score(record(DEFAULT_POLICY)), score(record(team))
    # Detected after 4m (P1: 5m shipped, 2m the team's), recovered after 40m (1h shipped, 30m the team's), and
    # never escalated (L2 due after 30m shipped; L2 after 10m and L3 after 20m the team's).
    assert ([o.met for o in shipped.objectives], shipped.points) == ([True, True, True], 100 - 10)
    assert ([o.met for o in strict.objectives], strict.points) == ([False, True, False], 50 - 2 * 5 - 2 * 10)


def test_report_json_keeps_the_policy_and_report_md_quotes_it(tmp_path: Path) -> None:
    team = record(load_policy(write(tmp_path, TEAM_POLICY)))
    markdown = render_markdown(team)
    assert loads_report(dumps_report(team)) == team
    assert "acknowledge within 5m" in markdown
    assert "**20** of 50 points" in markdown


def test_run_refuses_a_bad_policy_file_before_drilling(tmp_path: Path) -> None:
    path = write(tmp_path, TEAM_POLICY.replace("recover: 30m", "recover: -1m"))
    done = drillbit("run", "cron-secret-mismatch", "--policy", str(path), "--report-dir", str(tmp_path / "reports"))
    assert (done.returncode, done.stderr.splitlines()[0].startswith(f"error: {path}: not a severity policy: ")) == (
        2,
        True,
    )
    assert not (tmp_path / "reports").exists()
