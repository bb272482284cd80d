"""`drillbit ci` and `drillbit run --all` on a scenario folder of the test's own: real drills, real exit codes."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from drills.reports import read_report
from drills.scoring.score import score
from tests.drills.cli.cli_runs import DRILL_TIMEOUT, GENEROUS_OBJECTIVES, as_it_should, drillbit, scenario_copy, worked

# The response cut down to taking the page: nobody fixes the scheduler's secret, so the drill cannot recover.
ONLY_ACKNOWLEDGE = "[{kind: acknowledge, monitor: scheduler-ticks-refused, timeout: 2h}]"


def junit_cases(path: Path) -> tuple[dict[str, str], list[tuple[str, list[tuple[str, str | None, str | None]]]]]:
    """The suite's counts, and each testcase's name with its failures and errors as (tag, type, message)."""
    suite = ET.parse(path).getroot().find("testsuite")
    assert suite is not None
    counts = {key: suite.attrib[key] for key in ("tests", "failures", "errors")}
    cases = [
        (
            case.attrib["name"],
            [
                (problem.tag, problem.get("type"), problem.get("message"))
                for problem in case
                if problem.tag != "system-out"
            ],
        )
        for case in suite.iter("testcase")
    ]
    return counts, cases


@pytest.mark.world
def test_ci_exits_1_with_a_junit_failure_for_a_drill_that_does_not_recover(drillbit_home: Path, tmp_path: Path) -> None:
    scenarios = scenario_copy(tmp_path / "scenarios", response=ONLY_ACKNOWLEDGE)
    junit, reports = tmp_path / "out" / "junit.xml", tmp_path / "reports"

    done = drillbit(
        "ci", "--junit", str(junit), "--report-dir", str(reports), "--scenarios", str(scenarios), timeout=DRILL_TIMEOUT
    )

    (saved,) = reports.glob("*/report.json")
    verdict = score(read_report(saved))
    assert (done.returncode, verdict.outcome) == (1, "not_recovered"), done.stdout + done.stderr
    assert junit_cases(junit) == (
        {"tests": "1", "failures": "1", "errors": "0"},
        [("cron-secret-mismatch", [("failure", "DrillFailed", verdict.reasons[0])])],
    )


@pytest.mark.world
def test_ci_exits_0_with_a_clean_junit_when_every_drill_passes(drillbit_home: Path, tmp_path: Path) -> None:
    scenarios = scenario_copy(tmp_path / "scenarios", objectives=GENEROUS_OBJECTIVES)
    junit, reports = tmp_path / "junit.xml", tmp_path / "reports"

    done = drillbit(
        "ci", "--junit", str(junit), "--report-dir", str(reports), "--scenarios", str(scenarios), timeout=DRILL_TIMEOUT
    )

    (saved,) = reports.glob("*/report.json")
    record = read_report(saved)
    assert (done.returncode, worked(record)) == (0, as_it_should(record)), done.stdout + done.stderr
    assert junit_cases(junit) == ({"tests": "1", "failures": "0", "errors": "0"}, [("cron-secret-mismatch", [])])


@pytest.mark.world
def test_run_all_drills_every_scenario_of_the_folder_and_writes_a_report_each(
    drillbit_home: Path, tmp_path: Path
) -> None:
    scenarios = tmp_path / "scenarios"
    for scenario_id in ("cron-secret-mismatch", "db-pool-exhausted"):
        scenario_copy(scenarios, scenario_id, objectives=GENEROUS_OBJECTIVES)
    reports = tmp_path / "reports"

    done = drillbit(
        "run", "--all", "--scenarios", str(scenarios), "--report-dir", str(reports), timeout=2 * DRILL_TIMEOUT
    )

    directories = sorted(reports.iterdir(), key=lambda directory: directory.name.split("-", 1)[1])
    records = [read_report(directory / "report.json") for directory in directories]
    assert [record.scenario.id for record in records] == ["cron-secret-mismatch", "db-pool-exhausted"]
    assert [sorted(path.name for path in directory.iterdir()) for directory in directories] == [
        ["junit.xml", "report.json", "report.md"]
    ] * 2
    assert [worked(record) for record in records] == [as_it_should(record) for record in records], done.stdout
    assert done.returncode == 0, done.stdout + done.stderr
    reported = [line for line in done.stdout.splitlines() if ": report in " in line]
    assert reported == [
        f"{record.scenario.id}: report in {path}" for record, path in zip(records, directories, strict=True)
    ]


def test_ci_names_its_junit_file_on_one_line_at_any_width(tmp_path: Path) -> None:
    (tmp_path / "scenarios").mkdir()
    junit = tmp_path / "a-folder-name-long-enough-to-pass-the-eighty-columns-of-a-ci-log" / "junit.xml"

    done = drillbit(
        "ci", "--junit", str(junit), "--scenarios", str(tmp_path / "scenarios"), "--report-dir", str(tmp_path)
    )

    assert f"JUnit: {junit}" in done.stdout.splitlines(), done.stdout


@pytest.mark.parametrize(
    ("option", "message"),
    [
        (("--jobs", "0"), "--jobs 0: drill at least one scenario at a time (1 or more)"),
        (("--jobs", "-1"), "--jobs -1: drill at least one scenario at a time (1 or more)"),
        (("--shard", "3/2"), "--shard 3/2: K must be from 1 to N (2), not 3"),
        (("--shard", "two"), "--shard 'two' is not K/N, like 1/3"),
    ],
)
def test_ci_refuses_jobs_below_one_and_a_shard_that_is_not_k_of_n(option: tuple[str, str], message: str) -> None:
    done = drillbit("ci", *option)
    assert (done.returncode, done.stderr.splitlines()[0]) == (2, f"error: {message}"), done.stdout + done.stderr


@pytest.mark.world
def test_ci_drills_two_copies_of_a_scenario_at_once_each_on_its_own_world_and_merge_joins_their_reports(
    drillbit_home: Path, tmp_path: Path
) -> None:
    scenarios = tmp_path / "scenarios"
    for copy in ("cron-copy-one", "cron-copy-two"):
        scenario_copy(scenarios, id=copy, objectives=GENEROUS_OBJECTIVES)
    reports = tmp_path / "reports"

    done = drillbit(
        "ci",
        *("--jobs", "2", "--junit", str(tmp_path / "junit.xml"), "--report-dir", str(reports)),
        *("--scenarios", str(scenarios)),
        timeout=2 * DRILL_TIMEOUT,
    )
    records = [read_report(path) for path in sorted(reports.glob("*/report.json"))]
    assert (done.returncode, [(r.scenario.id, worked(r)) for r in records]) == (
        0,
        [(r.scenario.id, as_it_should(r)) for r in records],
    ), done.stdout + done.stderr
    assert "drilling 2 scenario(s), 2 at a time" in done.stdout

    merged = drillbit("merge", *map(str, sorted(reports.iterdir())), "--junit", str(tmp_path / "merged.xml"))
    assert (merged.returncode, junit_cases(tmp_path / "merged.xml")) == (
        0,
        ({"tests": "2", "failures": "0", "errors": "0"}, [("cron-copy-one", []), ("cron-copy-two", [])]),
    ), merged.stdout + merged.stderr
