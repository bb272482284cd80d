"""drillbit's pytest plugin, tested by running real pytest sessions in a scratch project (``pytester``)."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pydantic import JsonValue

from drills.engine.runner import DrillResult, DrillSettings
from drills.reports import MASK, read_report, write_reports
from drills.scenario.model import Scenario
from drills.scoring.score import score
from drills.timeline import DrillRecord, Event, EventKind, Responder
from tests.drills.cli.cli_runs import GENEROUS_OBJECTIVES, scenario_copy

pytest_plugins = ["pytester"]

ROOT = Path(__file__).parents[2]
SCENARIOS = ROOT / "scenarios"
BROKEN = Path(__file__).parent / "scenario" / "broken_scenarios"
SCENARIO_IDS = ("cron-secret-mismatch", "db-pool-exhausted", "oauth-refresh-failing")
SECRET = "stale-secret-from-last-quarter"
# A real drill takes about 10 s; a world about 4 s.
DRILL_TIMEOUT = 90.0
STRICT_INI = "[pytest]\naddopts = --strict-markers --strict-config -p no:cacheprovider\nfilterwarnings = error\n"
WRONG_SEVERITY = "scenarios/wrong_severity.yaml:4: severity: 'P0' is not one of 'P1', 'P2', 'P3' or 'P4'"
WORLD_TIMEOUT = 60.0


@pytest.fixture
def project(pytester: pytest.Pytester) -> pytest.Pytester:
    """A scratch project as strict as drillbit's own: warnings are errors, markers must be declared."""
    pytester.makeini(
        "[pytest]\naddopts = --strict-markers --strict-config -p no:cacheprovider\nfilterwarnings = error\n"
    )
    shutil.copytree(SCENARIOS / "runbooks", pytester.path / "scenarios" / "runbooks")
    return pytester


def add_scenario(project: pytest.Pytester, source: Path, name: str | None = None) -> Path:
    target = project.path / "scenarios" / (name or source.name)
    shutil.copyfile(source, target)
    return target


def add_every_scenario(project: pytest.Pytester) -> None:
    for scenario_id in SCENARIO_IDS:
        add_scenario(project, SCENARIOS / f"{scenario_id}.yaml")


def collected(result: pytest.RunResult) -> list[str]:
    return [line for line in result.outlines if "::" in line]


def test_plugin_collects_one_item_per_scenario_named_by_its_id(project: pytest.Pytester) -> None:
    add_every_scenario(project)

    result = project.runpytest("--drills", "--collect-only", "-q")

    assert collected(result) == [f"scenarios/{scenario_id}.yaml::{scenario_id}" for scenario_id in SCENARIO_IDS]
    assert result.ret == pytest.ExitCode.OK


def test_plugin_adds_the_drills_dir_to_testpaths(project: pytest.Pytester) -> None:
    project.makeini("[pytest]\ntestpaths = tests\naddopts = -p no:cacheprovider\nfilterwarnings = error\n")
    project.mkdir("tests")
    project.makepyfile(**{"tests/test_own": "def test_own():\n    pass\n"})
    add_scenario(project, SCENARIOS / "cron-secret-mismatch.yaml")

    result = project.runpytest("--drills", "--collect-only", "-q")

    assert collected(result) == [
        "tests/test_own.py::test_own",
        "scenarios/cron-secret-mismatch.yaml::cron-secret-mismatch",
    ]


def test_plugin_takes_paths_given_on_the_command_line_as_they_are(project: pytest.Pytester) -> None:
    add_every_scenario(project)

    result = project.runpytest("--drills", "--collect-only", "-q", "scenarios/db-pool-exhausted.yaml")

    assert collected(result) == ["scenarios/db-pool-exhausted.yaml::db-pool-exhausted"]


def test_plugin_without_drills_collects_nothing_from_scenarios(project: pytest.Pytester) -> None:
    add_every_scenario(project)

    result = project.runpytest("--collect-only", "-q")

    assert collected(result) == []
    assert result.ret == pytest.ExitCode.NO_TESTS_COLLECTED


def test_plugin_without_drills_imports_no_engine_module(project: pytest.Pytester) -> None:
    add_every_scenario(project)
    project.makepyfile(
        test_imports="""
        import sys

        def test_only_the_plugin_is_imported():
            assert sorted(name for name in sys.modules if name.split(".")[0] in ("drills", "fakes")) == [
                "drills",
                "drills.pytest_plugin",
            ]
        """
    )

    result = project.runpytest_subprocess(timeout=WORLD_TIMEOUT)

    result.assert_outcomes(passed=1)


@pytest.mark.parametrize(
    ("broken", "error"),
    [
        (
            "wrong_severity.yaml",
            "scenarios/wrong_severity.yaml:4: severity: 'P0' is not one of 'P1', 'P2', 'P3' or 'P4'",
        ),
        ("bad_yaml.yaml", "scenarios/bad_yaml.yaml:3: invalid YAML: mapping values are not allowed here"),
    ],
    ids=["wrong_severity", "bad_yaml"],
)
def test_plugin_reports_a_broken_scenario_as_a_collection_error_with_file_and_line(
    project: pytest.Pytester, broken: str, error: str
) -> None:
    add_scenario(project, SCENARIOS / "cron-secret-mismatch.yaml")
    add_scenario(project, BROKEN / broken)
    shutil.copyfile(BROKEN / "runbooks" / "minimal.md", project.path / "scenarios" / "runbooks" / "minimal.md")

    result = project.runpytest("--drills", "--collect-only")

    assert result.ret == pytest.ExitCode.INTERRUPTED
    result.stdout.fnmatch_lines([f"*ERROR collecting scenarios/{broken}*", error, "*1 error*"])
    assert "Traceback" not in result.stdout.str()


def test_plugin_reports_a_scenario_id_used_twice(project: pytest.Pytester) -> None:
    add_scenario(project, SCENARIOS / "cron-secret-mismatch.yaml", "a.yaml")
    add_scenario(project, SCENARIOS / "cron-secret-mismatch.yaml", "b.yaml")

    result = project.runpytest("--drills", "--collect-only")

    assert result.ret == pytest.ExitCode.INTERRUPTED
    result.stdout.fnmatch_lines(
        [
            "scenarios/b.yaml:2: id: scenario id 'cron-secret-mismatch' is already used by scenarios/a.yaml",
            "Hint: give each its own id",
        ]
    )


def test_plugin_refuses_a_drills_dir_that_does_not_exist(project: pytest.Pytester) -> None:
    result = project.runpytest("--drills", "--drills-dir", "nowhere")

    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["ERROR: --drills-dir nowhere: no such directory"])


class UnrecoveredDrill:
    """Stands in for the runner: a drill whose fault was injected and never recovered from."""

    def __init__(self, scenario: Scenario, settings: DrillSettings, runtime: object) -> None:
        self.scenario = scenario
        self.settings = settings

    def run(self, respond: object) -> DrillResult:
        scale = 600.0

        def event(at: float, kind: EventKind, source: str, message: str, **data: JsonValue) -> Event:
            return Event(at=at, scenario_at=at * scale, kind=kind, source=source, message=message, data=data)

        record = DrillRecord(
            drill_id="d-1",
            scenario=self.scenario.summary(),
            runtime="local",
            seed=self.settings.seed,
            time_scale=scale,
            responder=Responder(kind="auto", name="auto"),
            started_at=datetime(2024, 5, 1, 10, 0, tzinfo=UTC),
            finished_at=datetime(2024, 5, 1, 10, 1, tzinfo=UTC),
            timeline=(
                event(0, EventKind.DRILL_STARTED, "runner", "drill started"),
                event(5, EventKind.FAULT_INJECTED, "fault:stale", f"secret set to {SECRET}", fault="stale"),
                event(60, EventKind.DRILL_FINISHED, "runner", "drill finished"),
            ),
        )
        paths = write_reports(record, self.settings.report_dir, [SECRET])
        return DrillResult(record, score(record), paths)


def test_plugin_fails_a_drill_that_did_not_pass_with_its_reasons_and_report(
    project: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_scenario(project, SCENARIOS / "cron-secret-mismatch.yaml")
    monkeypatch.setattr("drills.engine.runner.Drill", UnrecoveredDrill)

    result = project.runpytest("--drills", "--drills-seed", "7")

    result.assert_outcomes(failed=1)
    (report,) = (project.path / "reports").glob("*-cron-secret-mismatch/report.md")
    reasons = score(read_report(report.parent / "report.json")).reasons
    assert len(reasons) >= 1
    result.stdout.fnmatch_lines(
        [
            "*_ drill cron-secret-mismatch _*",
            "drill of cron-secret-mismatch did not pass (outcome: not_recovered):",
            *(f"  - {reason}" for reason in reasons),
            f"report: {report.relative_to(project.path)}",
            "*- Captured drill timeline call -*",
            "   0.00s  drill_started        runner: drill started",
            f"   5.00s  fault_injected       fault:stale: secret set to {MASK}",
        ]
    )
    output = result.stdout.str()
    assert "Traceback" not in output
    assert "def runtest" not in output
    assert SECRET not in output


@pytest.mark.world
def test_plugin_drills_a_real_scenario_and_passes(project: pytest.Pytester, drillbit_home: Path) -> None:
    # Objectives no busy machine misses: whether the item passes is the plugin's doing, not the machine's speed.
    scenario_copy(project.path / "scenarios", objectives=GENEROUS_OBJECTIVES)

    result = project.runpytest_subprocess("--drills", "--drills-report-dir", "out", "-v", timeout=DRILL_TIMEOUT)

    result.stdout.fnmatch_lines(["scenarios/cron-secret-mismatch.yaml::cron-secret-mismatch PASSED*"])
    result.assert_outcomes(passed=1)
    (saved,) = (project.path / "out").glob("*-cron-secret-mismatch")
    assert sorted(path.name for path in saved.iterdir()) == ["junit.xml", "report.json", "report.md"]


@pytest.mark.world
def test_world_fixture_is_shared_by_a_module_and_torn_down_after_it(
    project: pytest.Pytester, drillbit_home: Path
) -> None:
    project.makepyfile(
        test_world="""
        from pathlib import Path

        def test_app_is_healthy(world):
            assert world.healthy("app")
            Path("first").write_text(str(world.directory))

        def test_context_reads_the_same_world(world, drill_context):
            assert drill_context.world is world
            assert drill_context.values()["app.url"] == world.endpoints["app"].url
            assert drill_context.saved == {}
            Path("second").write_text(str(world.directory))
        """
    )

    result = project.runpytest_subprocess(timeout=WORLD_TIMEOUT)

    result.assert_outcomes(passed=2)
    directory = (project.path / "first").read_text()
    assert (project.path / "second").read_text() == directory
    assert not Path(directory).exists()


@pytest.mark.world
def test_world_name_chooses_the_world_the_world_fixture_brings_up(
    project: pytest.Pytester, drillbit_home: Path
) -> None:
    project.makepyfile(
        test_clubs="""
        import pytest

        @pytest.fixture(scope="module")
        def world_name():
            return "clubs"

        def test_the_clubs_world_is_up(world):
            assert world.spec.name == "clubs"
            assert sorted(world.spec.names()) == ["app", "postgres", "redis", "toxiproxy"]
            assert world.healthy("app")
        """
    )

    result = project.runpytest_subprocess(timeout=WORLD_TIMEOUT)

    result.assert_outcomes(passed=1)
