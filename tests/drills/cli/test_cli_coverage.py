"""`drillbit coverage` and the coverage `drillbit merge` writes, on report.json files written by the test."""

from __future__ import annotations

import json
import shutil
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from pathlib import Path

from pydantic import JsonValue

from drills.language.runbook import parse_runbook
from drills.reports import Coverage, RunbookFile, runbook_coverage, write_reports
from drills.timeline import DrillRecord, Event, EventKind, Responder, ScenarioSummary, Severity
from tests.drills.cli.cli_runs import SCENARIOS, drillbit

SCALE = 60.0
K = EventKind
Step = tuple[str, str, int, int]
# Blocks of the shipped runbooks, as their scenarios name them: (step, runbook#section, block, line).
CRON_CONFIRM = ("confirm the scheduler's last tick", "runbooks/reports.md#confirm-1", 1, 80)
CRON_FIX = ("redeploy the scheduler with the app's secret", "runbooks/reports.md#fix-1", 1, 91)
POOL_CONFIRM = ("look at the database's sessions", "runbooks/database.md#confirm", 1, 23)
POOL_FIX = ("end the sessions idle in a transaction", "runbooks/database.md#fix", 1, 37)
NEVER_RUN = [
    "runbooks/campaigns.md:25` (`#confirm`, block 1)",
    "runbooks/campaigns.md:40` (`#fix`, block 1)",
    "runbooks/campaigns.md:44` (`#fix`, block 2)",
    "runbooks/campaigns.md:48` (`#fix`, block 3)",
    "runbooks/campaigns.md:57` (`#verify`, block 1)",
    "runbooks/database.md:44` (`#fix`, block 2)",
    "runbooks/database.md:50` (`#verify`, block 1)",
    "runbooks/reports.md:14` (`#triage`, block 1)",
    "runbooks/reports.md:32` (`#confirm`, block 1)",
    "runbooks/reports.md:46` (`#fix`, block 1)",
    "runbooks/reports.md:50` (`#fix`, block 2)",
    "runbooks/reports.md:63` (`#verify`, block 1)",
    "runbooks/reports.md:99` (`#verify-1`, block 1)",
]
"""The Markdown's list of the blocks never run, without the leading "- `SCENARIOS/"."""


def ev(at: float, what: EventKind, **data: JsonValue) -> Event:
    return Event(at=at, scenario_at=at * SCALE, kind=what, source="runner", message=what.value, data=data)


def drill(scenario_id: str, runbook: str, *steps: tuple[Step, bool], recovered: bool) -> DrillRecord:
    """A drill whose shell steps ran the runbook blocks given, each finishing ok or not."""
    timeline = [
        ev(0, K.DRILL_STARTED),
        ev(5, K.FAULT_INJECTED, fault="f"),
        ev(7, K.MONITOR_FIRED, monitor="m"),
        ev(8, K.ACKNOWLEDGED),
    ]
    for index, ((name, reference, block, line), ok) in enumerate(steps):
        at = 10 + 2 * index
        timeline.append(ev(at, K.STEP_STARTED, step=name, kind="shell", runbook=reference, block=block, line=line))
        timeline.append(ev(at + 1, K.STEP_FINISHED, step=name, ok=ok))
    if recovered:
        timeline.append(ev(40, K.RECOVERED, window_started_at=30.0))
    return DrillRecord(
        drill_id=f"{scenario_id}-1",
        scenario=ScenarioSummary(
            id=scenario_id,
            title=scenario_id,
            severity=Severity.P2,
            runbook=runbook,
            response=tuple(name for (name, *_), _ in steps),
            recovery_hold_s=600,
        ),
        runtime="local",
        seed=0,
        time_scale=SCALE,
        responder=Responder(kind="auto", name="auto"),
        started_at=datetime(2024, 5, 1, 10, 0, tzinfo=UTC),
        finished_at=datetime(2024, 5, 1, 10, 1, tzinfo=UTC),
        timeline=(*timeline, ev(41, K.DRILL_FINISHED)),
    )


RECORDS = (
    drill(
        "cron-secret-mismatch",
        "runbooks/reports.md#cron-secret-mismatch",
        (CRON_CONFIRM, True),
        (CRON_FIX, True),
        recovered=True,
    ),
    drill(
        "db-pool-exhausted",
        "runbooks/database.md#db-pool-exhausted",
        (POOL_CONFIRM, True),
        (POOL_FIX, False),
        recovered=False,
    ),
)


def reports_and_runbooks(tmp_path: Path) -> tuple[Path, Path]:
    """A folder of the records' reports, and a scenario folder holding the shipped runbooks."""
    for record in RECORDS:
        write_reports(record, tmp_path / "reports")
    shutil.copytree(SCENARIOS / "runbooks", tmp_path / "scenarios" / "runbooks")
    return tmp_path / "reports", tmp_path / "scenarios"


def test_coverage_prints_the_share_proven_and_every_block_never_run_by_file_and_line(tmp_path: Path) -> None:
    reports, scenarios = reports_and_runbooks(tmp_path)

    done = drillbit("coverage", str(reports), "--scenarios", str(scenarios), "--fail-under", "11.7")

    lines = done.stdout.splitlines()
    never_run = lines[lines.index("## Never run") + 2 : lines.index("## Never run") + 2 + len(NEVER_RUN)]
    assert (done.returncode, lines[2], never_run) == (
        0,
        "From 2 drill report(s): 2 of 17 runbook blocks (11.7%) proven by a passing drill; 2 run, not proven; "
        "13 never run.",
        [f"- `{scenarios}/{never}" for never in NEVER_RUN],
    ), done.stderr


def test_coverage_exits_1_below_fail_under_and_says_so(tmp_path: Path) -> None:
    reports, scenarios = reports_and_runbooks(tmp_path)

    done = drillbit("coverage", str(reports), "--scenarios", str(scenarios), "--fail-under", "12")

    assert (done.returncode, done.stderr) == (1, "runbook coverage 11.7% is below --fail-under 12%\n")


def test_coverage_as_json_is_the_coverage_of_the_records_and_the_runbooks(tmp_path: Path) -> None:
    reports, scenarios = reports_and_runbooks(tmp_path)
    runbooks = [
        RunbookFile(f"runbooks/{name}", str(scenarios / "runbooks" / name), parse_runbook(path.read_text()))
        for name, path in sorted((p.name, p) for p in (scenarios / "runbooks").glob("*.md"))
    ]

    done = drillbit("coverage", str(reports), "--scenarios", str(scenarios), "--format", "json")

    assert Coverage.model_validate(json.loads(done.stdout)) == runbook_coverage(RECORDS, runbooks), done.stderr


def test_merge_writes_coverage_md_and_json_beside_its_junit_file(tmp_path: Path) -> None:
    reports, scenarios = reports_and_runbooks(tmp_path)
    junit = tmp_path / "merged" / "junit.xml"

    done = drillbit("merge", str(reports), "--junit", str(junit), "--scenarios", str(scenarios), columns=400)

    markdown, data = junit.parent / "coverage.md", junit.parent / "coverage.json"
    expected_line = (
        "runbook coverage: 2 of 17 runbook blocks (11.7%) proven by a passing drill; 2 run, not proven; "
        f"13 never run ({markdown}, {data})"
    )
    assert (done.returncode, expected_line in done.stdout.splitlines()) == (1, True), done.stdout + done.stderr
    assert markdown.read_text() == drillbit("coverage", str(reports), "--scenarios", str(scenarios)).stdout
    assert json.loads(data.read_text())["totals"] == {"blocks": 17, "run": 4, "proven": 2, "percent": 11.7}


def test_merge_lists_the_drills_by_scenario_whatever_their_folders_are_called(tmp_path: Path) -> None:
    reports, scenarios = reports_and_runbooks(tmp_path)
    # Shards name folders by the time each drill started: here the later scenario's folder sorts first.
    for folder in reports.iterdir():
        folder.rename(reports / (("2-" if "cron" in folder.name else "1-") + folder.name))
    junit = tmp_path / "merged.xml"

    drillbit("merge", str(reports), "--junit", str(junit), "--scenarios", str(scenarios))

    cases = [case.attrib["name"] for case in ET.parse(junit).getroot().iter("testcase")]
    assert sorted(path.name[:2] for path in reports.iterdir()) == ["1-", "2-"]
    assert cases == ["cron-secret-mismatch", "db-pool-exhausted"]
