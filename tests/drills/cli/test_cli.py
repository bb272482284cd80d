"""The ``drillbit`` command, run as a user runs it: a real process, its output and its exit code."""

from __future__ import annotations

import re
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pydantic import JsonValue

from drills.reports import read_report, write_reports
from drills.scenario.loader import load_all
from drills.scoring.score import score
from drills.timeline import DrillRecord, Event, EventKind, Responder, ScenarioSummary, Severity
from drills.world.worlds import world_spec
from tests.drills.cli.cli_runs import DRILL_TIMEOUT, SCENARIOS, as_it_should, drillbit, scenario_copy, worked

BROKEN = Path(__file__).parents[1] / "scenario" / "broken_scenarios"
SCENARIO_IDS = [scenario.id for scenario in load_all(SCENARIOS)]
REPORT_HINT = (
    "Hint: report.json is written by drillbit and read back as it was written; restore the original file "
    "or run the drill again."
)


def hand_built_record() -> DrillRecord:
    scale = 60.0

    def event(at: float, kind: EventKind, source: str, message: str, **data: JsonValue) -> Event:
        return Event(at=at, scenario_at=at * scale, kind=kind, source=source, message=message, data=data)

    return DrillRecord(
        drill_id="cron-secret-mismatch-1",
        scenario=ScenarioSummary(
            id="cron-secret-mismatch",
            title="The scheduler's shared secret does not match the app's",
            severity=Severity.P2,
            runbook="runbooks/reports.md#cron-secret-mismatch",
            monitors=("scheduler-ticks-refused",),
            recovery_hold_s=900,
        ),
        runtime="local",
        seed=0,
        time_scale=scale,
        responder=Responder(kind="auto", name="auto"),
        started_at=datetime(2024, 5, 1, 10, 0, tzinfo=UTC),
        finished_at=datetime(2024, 5, 1, 10, 1, tzinfo=UTC),
        timeline=(
            event(0, EventKind.DRILL_STARTED, "runner", "drill started"),
            event(5, EventKind.FAULT_INJECTED, "fault:stale", "scheduler redeployed", fault="stale"),
            event(7, EventKind.MONITOR_FIRED, "monitor:refused", "ticks refused", monitor="scheduler-ticks-refused"),
            event(8, EventKind.ACKNOWLEDGED, "responder:auto", "acknowledged"),
            event(30, EventKind.RECOVERED, "runner", "recovered", window_started_at=12.0),
            event(31, EventKind.FAULT_REVERTED, "fault:stale", "reverted", fault="stale", ok=True),
            event(32, EventKind.DRILL_FINISHED, "runner", "drill finished"),
        ),
    )


def test_validate_prints_every_problem_as_file_line_message_and_exits_2(tmp_path: Path) -> None:
    for name in ("wrong_severity.yaml", "bad_yaml.yaml"):
        shutil.copyfile(BROKEN / name, tmp_path / name)
    shutil.copytree(BROKEN / "runbooks", tmp_path / "runbooks")

    done = drillbit("validate", str(tmp_path))

    assert done.stderr.splitlines() == [
        f"{tmp_path}/bad_yaml.yaml:3: invalid YAML: mapping values are not allowed here",
        f"{tmp_path}/wrong_severity.yaml:4: severity: 'P0' is not one of 'P1', 'P2', 'P3' or 'P4'",
        "error: 2 problem(s) found",
    ]
    assert done.returncode == 2


def test_validate_of_the_project_scenarios_exits_0() -> None:
    done = drillbit("validate")

    assert (done.returncode, done.stdout, done.stderr) == (0, "every scenario is valid\n", "")


def test_list_shows_every_scenario_id_and_its_world() -> None:
    done = drillbit("list", columns=160)

    shown = re.findall(r"^\W*([a-z0-9-]+)\s+\W\s+([a-z-]+)\s+\W\s+P[1-4]\b", done.stdout, flags=re.M)
    worlds = [scenario.world.product or "scheduled-reports" for scenario in load_all(SCENARIOS)]
    assert (done.returncode, shown) == (0, list(zip(SCENARIO_IDS, worlds, strict=True)))


def test_show_prints_what_breaks_and_how_it_is_noticed() -> None:
    done = drillbit("show", "cron-secret-mismatch")

    lines = done.stdout.splitlines()
    assert done.returncode == 0
    assert lines[0].startswith("cron-secret-mismatch (P2): The scheduler's shared secret")
    assert "runbook: runbooks/reports.md#cron-secret-mismatch" in lines
    assert lines[lines.index("faults") + 1] == "  - stale-scheduler-secret (config)"
    assert lines[lines.index("monitors") + 1].startswith("  - scheduler-ticks-refused: ")


def test_show_and_list_print_scenario_text_as_written(tmp_path: Path) -> None:
    title = "Ticks to [/internal/tick] are refused [bold]"
    scenarios = scenario_copy(tmp_path, title=f'"{title}"')

    shown = drillbit("show", "cron-secret-mismatch", "--scenarios", str(scenarios))
    listed = drillbit("list", "--scenarios", str(scenarios))

    assert (shown.returncode, shown.stdout.splitlines()[0]) == (0, f"cron-secret-mismatch (P2): {title}")
    assert listed.returncode == 0
    assert "[/internal/tick]" in listed.stdout
    assert "[bold]" in listed.stdout


def test_show_an_unknown_id_exits_2_with_a_hint() -> None:
    done = drillbit("show", "no-such-id")

    assert done.stderr == (
        "error: no scenario in scenarios has the id 'no-such-id'\n"
        f"Hint: scenarios here: {', '.join(sorted(SCENARIO_IDS))}\n"
    )
    assert (done.returncode, done.stdout) == (2, "")


def test_errors_are_printed_as_written_not_as_markup() -> None:
    done = drillbit("show", "[/oops]")

    assert done.stderr.splitlines()[0] == "error: no scenario in scenarios has the id '[/oops]'"
    assert done.returncode == 2


def test_run_without_ids_exits_2() -> None:
    done = drillbit("run")

    assert done.stderr == "error: name at least one scenario id, or --all\nHint: `drillbit list` shows them\n"
    assert done.returncode == 2


def test_report_renders_the_reports_again_identically(tmp_path: Path) -> None:
    paths = write_reports(hand_built_record(), tmp_path)
    written = (paths.markdown.read_text(), paths.junit.read_text())
    paths.markdown.unlink()
    paths.junit.unlink()

    done = drillbit("report", str(paths.json))

    assert done.returncode == 0, done.stderr
    assert (paths.markdown.read_text(), paths.junit.read_text()) == written
    assert done.stdout == f"cron-secret-mismatch: rendered {paths.markdown} and {paths.junit}\n"


@pytest.mark.parametrize(
    ("content", "error"),
    [
        ('{"schema_version": 1, "drill_id": ', "not JSON: Expecting value: line 1 column 35 (char 34)"),
        ("[1, 2]", "expected a JSON object, found list"),
        ('{"drill_id": "d-1"}', "no schema_version: this is not a drillbit report.json"),
    ],
    ids=["not-json", "not-an-object", "no-version"],
)
def test_report_of_a_malformed_report_exits_2_with_a_clear_message(tmp_path: Path, content: str, error: str) -> None:
    saved = tmp_path / "report.json"
    saved.write_text(content)

    done = drillbit("report", str(saved))

    assert done.stderr.splitlines() == [f"error: {saved}: {error}", REPORT_HINT]
    assert (done.returncode, done.stdout) == (2, "")
    assert not (tmp_path / "report.md").exists()


def test_doctor_exits_0_and_finds_the_servers() -> None:
    done = drillbit("doctor")

    found = re.findall(r"^\W*(postgres|redis-server)\s+\W\s+ok\b", done.stdout, flags=re.M)
    assert (done.returncode, found) == (0, ["postgres", "redis-server"])


def test_an_unknown_command_is_a_usage_error() -> None:
    done = drillbit("frobnicate")

    assert "No such command 'frobnicate'" in done.stderr
    assert "Traceback" not in done.stderr
    assert (done.returncode, done.stdout) == (2, "")


@pytest.mark.world
def test_up_check_prints_every_service_healthy_and_exits_0(drillbit_home: Path) -> None:
    done = drillbit("up", "--check", timeout=60.0)

    healthy = re.findall(r"^\W*([a-z-]+)\s+\W\s+healthy\b", done.stdout, flags=re.M)
    assert (done.returncode, healthy) == (0, list(world_spec().names()))


@pytest.mark.world
def test_run_drills_a_scenario_and_writes_its_reports(drillbit_home: Path, tmp_path: Path) -> None:
    done = drillbit("run", "cron-secret-mismatch", "--report-dir", str(tmp_path), timeout=DRILL_TIMEOUT)

    (directory,) = tmp_path.iterdir()
    assert sorted(path.name for path in directory.iterdir()) == ["junit.xml", "report.json", "report.md"]
    record = read_report(directory / "report.json")
    assert (record.scenario.id, worked(record)) == ("cron-secret-mismatch", as_it_should(record)), done.stdout
    # Whether it also met its time objectives depends on the machine; the exit code must say what the report says.
    assert done.returncode == (0 if score(record).passed else 1), done.stdout + done.stderr
    assert f"cron-secret-mismatch: report in {directory}" in done.stdout.splitlines()
