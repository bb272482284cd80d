"""drillbit's pytest plugin: ``pytest --drills`` drills every scenario, and fixtures give tests a live world.

With ``--drills``, each scenario file of ``--drills-dir`` is collected as one test named by the scenario's id
(``scenarios/cron-secret-mismatch.yaml::cron-secret-mismatch``), which drills it with the automated responder on
the local runtime and fails when the drill does not pass. A malformed scenario file is a collection error that
says ``file:line: message``. Without ``--drills`` the plugin only adds its options and fixtures; the engine is
imported inside hooks and fixtures, when they run, never when pytest loads the plugin.

When pytest was given no paths, ``--drills`` adds ``--drills-dir`` to what it collects (``testpaths`` may not
cover it); paths given on the command line are taken as they are, so ``pytest --drills scenarios/x.yaml`` drills
one scenario.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import pytest

if TYPE_CHECKING:
    from _pytest._code.code import TerminalRepr, TracebackStyle

    from drills.engine.runner import DrillResult
    from drills.scenario.model import Scenario
    from drills.world.context import DrillContext
    from drills.world.protocol import World, WorldOptions

SUFFIXES: Final = (".yaml", ".yml")
WORLD_TIME_SCALE: Final = 60.0
WORLD_TENANTS: Final = 20


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("drillbit", "drillbit: drill scenarios as tests")
    group.addoption(
        "--drills",
        action="store_true",
        default=False,
        help="collect each scenario of --drills-dir as a test that drills it (automated responder, local runtime)",
    )
    group.addoption("--drills-dir", default="scenarios", metavar="DIR", help="the scenario files (default: scenarios)")
    group.addoption(
        "--drills-report-dir", default="reports", metavar="DIR", help="where drill reports go (default: reports)"
    )
    group.addoption(
        "--drills-seed", type=int, default=0, metavar="N", help="seed of every drill and of the world fixture"
    )


def pytest_configure(config: pytest.Config) -> None:
    if config.getoption("drills"):
        config.pluginmanager.register(DrillCollection(config), "drillbit-drills")


@dataclass
class DrillOptions:
    """The --drills options, resolved against the directory pytest was started in."""

    scenarios: Path
    reports: Path
    seed: int
    invocation_dir: Path
    ids: dict[str, Path] = field(default_factory=dict)

    @classmethod
    def of(cls, config: pytest.Config) -> DrillOptions:
        here = config.invocation_params.dir
        return cls(
            scenarios=(here / config.getoption("drills_dir")).resolve(),
            reports=here / config.getoption("drills_report_dir"),
            seed=config.getoption("drills_seed"),
            invocation_dir=here,
        )

    def shown(self, path: Path) -> str:
        """``path`` as the user would type it: relative to where pytest was started, when it is under it."""
        return str(path.relative_to(self.invocation_dir)) if path.is_relative_to(self.invocation_dir) else str(path)

    def covered_by(self, args: list[str]) -> bool:
        """Whether collecting ``args`` reaches the scenarios already (an arg is their folder, holds it or is in it)."""
        for arg in args:
            path = (self.invocation_dir / arg.split("::")[0]).resolve()
            if self.scenarios.is_relative_to(path) or path.is_relative_to(self.scenarios):
                return True
        return False


OPTIONS: Final = pytest.StashKey[DrillOptions]()


class DrillCollection:
    """The hooks that are on only with --drills: scenario files become tests."""

    def __init__(self, config: pytest.Config) -> None:
        options = DrillOptions.of(config)
        if not options.scenarios.is_dir():
            raise pytest.UsageError(f"--drills-dir {options.shown(options.scenarios)}: no such directory")
        config.stash[OPTIONS] = options
        config.addinivalue_line("markers", "drill: a scenario drilled by drillbit (pytest --drills)")
        if config.args_source != pytest.Config.ArgsSource.ARGS and not options.covered_by(config.args):
            config.args.append(str(options.scenarios))
        self.options = options

    def pytest_collect_file(self, file_path: Path, parent: pytest.Collector) -> ScenarioFile | None:
        if file_path.suffix in SUFFIXES and file_path.parent.resolve() == self.options.scenarios:
            return ScenarioFile.from_parent(parent, path=file_path)
        return None

    def pytest_report_header(self) -> str:
        options = self.options
        return (
            f"drills: scenarios in {options.shown(options.scenarios)}, reports in {options.shown(options.reports)}, "
            f"seed {options.seed}"
        )


class ScenarioFile(pytest.File):
    """A scenario file: one test, named by the scenario's id."""

    def collect(self) -> Iterator[ScenarioItem]:
        from drills.scenario.loader import load_scenario, validate_paths

        options = self.config.stash[OPTIONS]
        problems = validate_paths([self.path])
        if problems:
            shown = options.shown(self.path)
            raise self.CollectError("\n".join(str(problem).replace(str(self.path), shown) for problem in problems))
        scenario = load_scenario(self.path)
        first = options.ids.setdefault(scenario.id, self.path)
        if first != self.path:
            raise self.CollectError(self._duplicate(scenario.id, first, options))
        yield ScenarioItem.from_parent(self, name=scenario.id, scenario=scenario)

    def _duplicate(self, scenario_id: str, first: Path, options: DrillOptions) -> str:
        from drills.language.source import read_yaml

        line = read_yaml(self.path.read_text(encoding="utf-8")).line_of(("id",))
        return (
            f"{options.shown(self.path)}:{line}: id: scenario id {scenario_id!r} is already used by "
            f"{options.shown(first)}\nHint: give each its own id"
        )


class DrillFailed(Exception):
    """A drill ran to its end and did not pass."""

    def __init__(self, result: DrillResult, report: str) -> None:
        self.result = result
        self.report = report
        super().__init__(f"drill of {result.record.scenario.id} did not pass")

    def describe(self) -> str:
        score = self.result.score
        reasons = [f"  - {reason}" for reason in score.reasons]
        return "\n".join([f"{self} (outcome: {score.outcome}):", *reasons, f"report: {self.report}"])


class ScenarioItem(pytest.Item):
    """Drilling one scenario with the automated responder on the local runtime."""

    def __init__(self, *, scenario: Scenario, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.scenario = scenario
        self.add_marker("drill")

    def runtest(self) -> None:
        from drills.engine.responder import AutoResponder
        from drills.engine.runner import Drill, DrillSettings
        from drills.runtimes.local.runtime import LocalRuntime

        options = self.config.stash[OPTIONS]
        settings = DrillSettings(seed=options.seed, report_dir=options.reports)
        result = Drill(self.scenario, settings, LocalRuntime()).run(AutoResponder)
        report = options.shown(result.written.markdown.absolute())
        self.user_properties += [("outcome", str(result.score.outcome)), ("report", report)]
        if not result.score.passed:
            self.add_report_section("call", "drill timeline", _timeline(result.written.json))
            raise DrillFailed(result, report)

    def repr_failure(
        self, excinfo: pytest.ExceptionInfo[BaseException], style: TracebackStyle | None = None
    ) -> str | TerminalRepr:
        from drills.errors import DrillbitError

        if isinstance(excinfo.value, DrillFailed):
            return excinfo.value.describe()
        if isinstance(excinfo.value, DrillbitError):
            return f"drill of {self.name} could not run: {excinfo.value}"
        return super().repr_failure(excinfo, style)

    def reportinfo(self) -> tuple[Path, int | None, str]:
        return self.path, None, f"drill {self.name}"


def _timeline(report_json: Path) -> str:
    """The timeline as saved in report.json, where secrets are already masked (the live record has them)."""
    from drills.reports import read_report

    events = read_report(report_json).timeline
    return "\n".join(f"{event.at:7.2f}s  {event.kind:<20} {event.source}: {event.message}" for event in events)


@pytest.fixture(scope="module")
def world_options(request: pytest.FixtureRequest) -> WorldOptions:
    """How the ``world`` fixture brings its world up; override it in a conftest or module to change it."""
    from drills.world.protocol import WorldOptions

    seed: int = request.config.getoption("drills_seed")
    return WorldOptions(seed=seed, time_scale=WORLD_TIME_SCALE, tenants=WORLD_TENANTS)


@pytest.fixture(scope="module")
def world_name() -> str:
    """Which world of the world file the ``world`` fixture brings up; override it in a module to choose another."""
    from drills.world.worlds import DEFAULT_PRODUCT

    return DEFAULT_PRODUCT


@pytest.fixture(scope="module")
def world(world_options: WorldOptions, world_name: str) -> Iterator[World]:
    """The world ``world_name`` names (scheduled-reports by default) on the local runtime, shared by one test
    module, torn down after its last test.

    Module scope: a world takes seconds to come up, too slow for every test, while one world per session would
    let a fault one module leaves behind break every later module. A test that breaks the world repairs it.
    """
    from drills.runtimes.local.runtime import LocalRuntime
    from drills.world.worlds import world_spec

    running = LocalRuntime().up(world_spec(world_name), world_options)
    try:
        yield running
    finally:
        running.teardown()


@pytest.fixture
def drill_context(world: World, request: pytest.FixtureRequest) -> DrillContext:
    """A fresh drill context on the module's world: nothing saved, logs marked at "start" when the test begins."""
    from drills.clock import SystemClock, TimeScale
    from drills.world.context import DrillContext

    scenarios = request.config.invocation_params.dir / request.config.getoption("drills_dir")
    context = DrillContext(world, SystemClock(), TimeScale(world.options.time_scale), world.epoch, scenarios)
    context.mark_logs("start")
    return context
