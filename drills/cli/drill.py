"""The drill commands of the CLI: list, show, validate, run, ci and report."""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from drills.cli.options import DEFAULT_SCENARIOS, RuntimeName, ScenarioDir, WorldFilePath, read_worlds, report_files
from drills.durations import format_duration
from drills.errors import FormatWarning, InputError
from drills.runtimes.choice import runtime_name

if TYPE_CHECKING:
    from drills.engine.batch import Settled
    from drills.engine.runner import DrillResult, DrillSettings
    from drills.scenario.model import Scenario
    from drills.scoring.score import ObjectiveResult
    from drills.severity import SeverityPolicy
    from drills.timeline import DrillRecord, Event

console = Console()
errors = Console(stderr=True)


def list_scenarios(scenarios: ScenarioDir = DEFAULT_SCENARIOS, world_file: WorldFilePath = None) -> None:
    """List every scenario: id, world, severity, faults, title."""
    from drills.cli.listing import scenario_rows

    table = Table(title=f"scenarios in {scenarios}")
    for column in ("id", "world", "severity", "faults", "title"):
        table.add_column(column)
    for row in scenario_rows(scenarios, world_file):
        table.add_row(row.id, row.world, row.severity, ", ".join(row.faults) or "planned", escape(row.title))
    console.print(table)


def show(scenario_id: str, scenarios: ScenarioDir = DEFAULT_SCENARIOS, world_file: WorldFilePath = None) -> None:
    """Show one scenario: what breaks, how it is noticed, the response and what is checked."""
    from drills.scenario.loader import find_scenario
    from drills.world.worlds import DEFAULT_PRODUCT

    scenario = find_scenario(scenarios, scenario_id, worlds=read_worlds(world_file))
    console.print(f"[bold]{scenario.id}[/] ({scenario.severity}): {escape(scenario.title)}")
    console.print(f"world: {scenario.world.product or DEFAULT_PRODUCT}", markup=False)
    console.print(scenario.description, markup=False)
    console.print(f"runbook: {scenario.runbook}", markup=False)
    recovery = scenario.recovery
    hold = format_duration(recovery.hold.total_seconds())
    sections = {
        "faults": [f"{f.id} ({f.kind})" for f in scenario.faults],
        "monitors": [f"{m.name}: {m.summary}" for m in scenario.monitors],
        "response": [step.name or step.kind for step in scenario.response],
        "recovery": [f"steady state and {len(recovery.checks)} check(s) hold for {hold}"],
        "invariants": [invariant.name for invariant in scenario.invariants],
    }
    for title, lines in sections.items():
        console.print(f"[bold]{title}[/]")
        for line in lines:
            console.print(f"  - {line}", highlight=False, markup=False)


def validate(
    paths: Annotated[list[Path] | None, typer.Argument(help="Files or folders.")] = None,
    world_file: WorldFilePath = None,
) -> None:
    """Check scenario files; every problem of every file is printed as file:line: message."""
    from drills.scenario.loader import validate_paths

    found = validate_paths(paths or [DEFAULT_SCENARIOS], worlds=read_worlds(world_file))
    for problem in found:
        errors.print(str(problem), highlight=False, markup=False, soft_wrap=True)
    if found:
        raise InputError(f"{len(found)} problem(s) found")
    console.print("every scenario is valid")


def _drill(scenario: Scenario, settings: DrillSettings) -> DrillResult:
    from drills.engine.interrupts import stop_on_terminate
    from drills.engine.responder import AutoResponder
    from drills.engine.runner import Drill
    from drills.runtimes.choice import runtime_named

    drill = Drill(scenario, settings, runtime_named(settings.runtime))

    def show_event(event: Event) -> None:  # the drill shows it with every secret it knows by now masked
        line = f"{event.at:7.2f}s  {event.kind:<20} {event.source:<28} {event.message}"
        console.print(line, highlight=False, markup=False, overflow="ellipsis", no_wrap=True)

    drill.recorder.attach(show_event)
    console.print(f"[bold]drilling {scenario.id}[/] ({scenario.severity}): {scenario.title}")
    with stop_on_terminate(), console.status(f"drilling {scenario.id}..."):
        return drill.run(AutoResponder)


def _summary_row(table: Table, result: DrillResult) -> None:
    from drills.reports.formatting import margin, measured

    def shown(objective: ObjectiveResult) -> str:
        if objective.actual_s is None:
            return "-"
        return f"{measured(objective.actual_s, objective.resolution_s)}\n{margin(objective)}"

    score = result.score
    verdict = "[green]passed[/]" if score.passed else f"[red]{score.outcome}[/]"
    if score.undecided:
        verdict = "[yellow]undecided[/]"
    table.add_row(
        result.record.scenario.id,
        verdict,
        *(shown(objective) for objective in score.objectives),
        _wall_time(result.record),
    )


def _wall_time(record: DrillRecord) -> str:
    if record.finished_at is None:
        return "-"
    return f"{(record.finished_at - record.started_at).total_seconds():.1f}s"


def _results_table(results: list[DrillResult]) -> None:
    table = Table(title="drills (scenario time ± resolution, and the margin left against each objective)")
    for column in ("scenario", "verdict", "detect", "acknowledge", "recover", "wall"):
        table.add_column(column)
    for result in results:
        _summary_row(table, result)
    console.print(table)
    for result in results:
        # Below the table, unwrapped: a path cut to the column's width cannot be opened.
        console.print(
            f"{result.record.scenario.id}: report in {result.written.directory}", markup=False, soft_wrap=True
        )
        for reason in result.score.reasons:
            console.print(f"[red]{result.record.scenario.id}[/]: {escape(reason)}", highlight=False)


def _chosen(ids: list[str] | None, every: bool, scenarios: Path, world_file: Path | None) -> list[Scenario]:
    from drills.scenario.loader import find_scenario, load_all

    worlds = read_worlds(world_file)
    if every:
        return load_all(scenarios, worlds=worlds)
    if not ids:
        raise InputError("name at least one scenario id, or --all", hint="`drillbit list` shows them")
    return [find_scenario(scenarios, scenario_id, worlds=worlds) for scenario_id in ids]


PolicyFile = Annotated[
    Path | None,
    typer.Option("--policy", help="A severity policy file: targets, escalation and points (default: drillbit's)."),
]


def _policy(path: Path | None) -> SeverityPolicy | None:
    """The policy file given; None: each drill's world's policy, else drillbit's own."""
    from drills.severity import load_policy

    return None if path is None else load_policy(path)


def run(
    scenario_ids: Annotated[list[str] | None, typer.Argument(help="Scenario ids.")] = None,
    every: Annotated[bool, typer.Option("--all", help="Drill every scenario.")] = False,
    time_scale: Annotated[float | None, typer.Option(help="Scenario seconds per wall second.")] = None,
    seed: Annotated[int, typer.Option(help="Seed for the world and the drill.")] = 0,
    report_dir: Annotated[Path, typer.Option(help="Where reports are written.")] = Path("reports"),
    scenarios: ScenarioDir = DEFAULT_SCENARIOS,
    policy: PolicyFile = None,
    world_file: WorldFilePath = None,
    runtime: RuntimeName = None,
) -> None:
    """Drill scenarios with the automated responder; exit 1 unless every drill passed."""
    from drills.engine.runner import DrillSettings

    chosen = _chosen(scenario_ids, every, scenarios, world_file)
    settings = DrillSettings(
        seed=seed,
        time_scale=time_scale,
        report_dir=report_dir,
        policy=_policy(policy),
        world_file=world_file,
        runtime=runtime_name(runtime),
    )
    results = [_drill(scenario, settings) for scenario in chosen]
    _results_table(results)
    raise typer.Exit(0 if all(result.score.passed for result in results) else 1)


def ci(
    junit: Annotated[Path, typer.Option(help="JUnit XML for every drill.")] = Path("reports/junit.xml"),
    seed: Annotated[int, typer.Option(help="Seed for the world and the drill.")] = 0,
    report_dir: Annotated[Path, typer.Option(help="Where reports are written.")] = Path("reports"),
    scenarios: ScenarioDir = DEFAULT_SCENARIOS,
    policy: PolicyFile = None,
    jobs: Annotated[
        int | None, typer.Option(help="Drills at once, each on its own world (default: the number of cores).")
    ] = None,
    shard: Annotated[
        str | None, typer.Option(help="Drill only part K of N of the catalog, by id: 2/3 (a CI matrix).")
    ] = None,
    world_file: WorldFilePath = None,
    runtime: RuntimeName = None,
) -> None:
    """Drill every scenario and write one JUnit file; exit 1 unless every drill passed.

    An objective too close to call at a scenario's time scale is settled by drilling it again at a finer one.
    Runbook coverage (coverage.md, coverage.json) is written beside the JUnit file.
    """
    from drills.engine.batch import Shard, check_jobs, default_jobs, drill_all, shard_of
    from drills.engine.interrupts import stop_on_terminate
    from drills.engine.runner import DrillSettings
    from drills.scenario.loader import load_all, validate_paths

    count = check_jobs(default_jobs() if jobs is None else jobs)
    part = None if shard is None else Shard.parse(shard)
    worlds = read_worlds(world_file)
    problems = validate_paths([scenarios], worlds=worlds)
    if problems:
        for problem in problems:
            errors.print(str(problem), highlight=False, markup=False, soft_wrap=True)
        raise InputError(f"{len(problems)} problem(s) found in {scenarios}")
    every = load_all(scenarios, worlds=worlds)
    chosen = every if part is None else shard_of(every, part)
    settings = DrillSettings(
        seed=seed, report_dir=report_dir, policy=_policy(policy), world_file=world_file, runtime=runtime_name(runtime)
    )
    what = f"{len(chosen)} scenario(s)" + ("" if part is None else f" (shard {part.index}/{part.count})")
    console.print(f"drilling {what}, {count} at a time", markup=False)
    with stop_on_terminate():
        settled = drill_all(chosen, settings, count, on_done=_settled_line)
    _finish_ci([item.result for item in settled], junit, scenarios)


def _settled_line(settled: Settled) -> None:
    result = settled.result
    verdict = "passed" if result.score.passed else result.score.outcome
    line = f"{result.record.scenario.id}: {verdict}"
    if settled.redrilled:
        scales = " -> ".join(f"{scale:g}" for scale in settled.scales)
        line += f" (an objective was too close to call; drilled again at time scale {scales})"
    console.print(line, markup=False, soft_wrap=True)


def _finish_ci(results: list[DrillResult], junit: Path, scenarios: Path) -> None:
    from drills.cli.coverage import write_coverage
    from drills.reports import render_junit

    junit.parent.mkdir(parents=True, exist_ok=True)
    junit.write_text(render_junit([result.record for result in results]))
    coverage = write_coverage([result.record for result in results], scenarios, junit.parent)
    _results_table(results)
    console.print(f"JUnit: {junit}", markup=False, soft_wrap=True)
    console.print(coverage, markup=False, soft_wrap=True)
    raise typer.Exit(0 if all(result.score.passed for result in results) else 1)


def merge(
    reports: Annotated[list[Path], typer.Argument(help="Report folders or report.json files (from each shard).")],
    junit: Annotated[Path, typer.Option(help="One JUnit XML for them all.")] = Path("reports/junit.xml"),
    scenarios: ScenarioDir = DEFAULT_SCENARIOS,
) -> None:
    """Merge a sharded CI run's reports: one JUnit file, runbook coverage and a summary; exit 1 unless all passed."""
    from drills.engine.runner import DrillResult
    from drills.reports import read_report
    from drills.reports.files import ReportPaths
    from drills.scoring.score import score

    found = sorted({path for given in reports for path in report_files(given)})
    if not found:
        raise InputError("no report.json found in " + ", ".join(map(str, reports)))
    results = []
    for path in found:
        record = read_report(path)
        results.append(DrillResult(record, score(record), ReportPaths.inside(path.parent)))
    # By scenario, as `ci` lists them: not by folder name, whose time says which shard happened to start first.
    results.sort(key=lambda result: result.record.scenario.id)
    _finish_ci(results, junit, scenarios)


def report(path: Annotated[Path, typer.Argument(help="A saved report.json.")]) -> None:
    """Render report.md and junit.xml again from a saved report.json."""
    from drills.reports import read_report, render_again

    with warnings.catch_warnings(record=True) as warned:
        warnings.simplefilter("always", FormatWarning)
        record: DrillRecord = read_report(path)
        paths = render_again(path)
    for message in dict.fromkeys(str(warning.message) for warning in warned):
        errors.print(f"warning: {message}", markup=False, soft_wrap=True)
    console.print(f"{record.scenario.id}: rendered {paths.markdown} and {paths.junit}", markup=False, soft_wrap=True)
