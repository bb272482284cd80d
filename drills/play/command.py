"""``drillbit play``: a person responds to an incident on a real world, and is scored.

The fault goes in after a delay drawn from the drill's seed (scenario time, so it scales with the world); the
seed is fresh for every play unless one is given, so a second attempt does not know the moment either.
"""

from __future__ import annotations

import getpass
import random
import secrets
import sys
import warnings
from pathlib import Path
from typing import Annotated, Final

import typer
from rich.console import Console

from drills.durations import format_duration, parse_duration
from drills.engine.interrupts import stop_on_terminate
from drills.engine.responder import AutoResponder
from drills.engine.runner import Drill, DrillSettings, drill_policy, drill_world
from drills.engine.watch import Watch
from drills.errors import DrillbitError, FormatWarning, InputError
from drills.play.hints import hint_ladder
from drills.play.screens import briefing, score_screen
from drills.play.session import PlaySession
from drills.play.terminal import PlayTerminal
from drills.reports import read_report
from drills.runtimes.choice import RUNTIMES, runtime_name, runtime_named
from drills.scenario.loader import find_scenario
from drills.scenario.model import Scenario
from drills.scoring.history import compare
from drills.scoring.score import objective_targets
from drills.severity import SeverityPolicy, load_policy
from drills.timeline import DrillRecord, Responder, TimelineRecorder
from drills.world.context import DrillContext
from drills.world.worlds import world_file as read_world_file

PLAY_TIME_SCALE: Final = 10.0
"""A person's default: a 15-minute scheduler slot is 90 seconds, and an hour's target is six minutes."""
FAULT_DELAY_SCENARIO_S: Final = (2 * 60.0, 10 * 60.0)
"""The hidden delay before the fault phase starts, drawn uniformly from this range of scenario seconds."""
RUNNER_COMPARISON_SCALE: Final = 60.0
"""The runner drilled for a comparison runs at this scale: at 600 a redeploy's one wall second is 10 scenario
minutes, which would make the runner look slower than it is next to a person at 10."""
TIME_LIMIT_FACTOR: Final = 2.0
"""Without --time-limit, a play ends unrecovered at this many times the recovery target."""

console = Console()


def play(
    scenario_id: Annotated[str, typer.Argument(help="The scenario to respond to (`drillbit list`).")],
    responder: Annotated[
        str | None, typer.Option(help="Your name, as the report and your history know you (default: $USER).")
    ] = None,
    seed: Annotated[
        int | None, typer.Option(help="Seed of the world and of the fault's moment (default: fresh).")
    ] = None,
    time_scale: Annotated[
        float | None, typer.Option(help=f"Scenario seconds per wall second (default {PLAY_TIME_SCALE:g}).")
    ] = None,
    time_limit: Annotated[
        str | None,
        typer.Option(
            help="Scenario time before the drill ends unrecovered, e.g. 3h (default: twice the recovery target)."
        ),
    ] = None,
    report_dir: Annotated[Path, typer.Option(help="Where reports (and your earlier attempts) are.")] = Path("reports"),
    runner: Annotated[
        bool,
        typer.Option(
            "--runner/--no-runner",
            help="Compare with the automated runner, drilling the scenario once with it if the reports hold no run.",
        ),
    ] = True,
    scenarios: Annotated[Path, typer.Option("--scenarios", help="The folder of scenario files.")] = Path("scenarios"),
    policy: Annotated[
        Path | None,
        typer.Option("--policy", help="A severity policy file: targets, escalation and points (default: drillbit's)."),
    ] = None,
    world_file: Annotated[
        Path | None,
        typer.Option("--world-file", help="A world file of your own: Compose with x-drillbit (default: drillbit's)."),
    ] = None,
    runtime: Annotated[
        str | None, typer.Option(help=f"{' or '.join(RUNTIMES)} (default: $DRILLBIT_RUNTIME, else local).")
    ] = None,
) -> None:
    """Respond to an incident yourself: get paged, investigate, fix it with the runbook, and get a score."""
    scenario = find_scenario(scenarios, scenario_id, worlds=None if world_file is None else read_world_file(world_file))
    name = responder or _user_name()
    chosen_seed = seed if seed is not None else secrets.randbelow(1_000_000)
    scale = time_scale or PLAY_TIME_SCALE
    if scale <= 0:
        raise InputError(f"--time-scale must be positive, not {scale:g}")
    given = None if policy is None else load_policy(policy)
    delay = random.Random(chosen_seed).uniform(*FAULT_DELAY_SCENARIO_S) / scale
    hints = hint_ladder(scenario)
    settings = DrillSettings(
        seed=chosen_seed,
        time_scale=scale,
        report_dir=report_dir,
        responder=Responder(kind="person", name=name),
        fault_delay=delay,
        policy=given,
        world_file=world_file,
        runtime=runtime_name(runtime),
    )
    promises = drill_policy(scenario, settings)
    limit = _time_limit(scenario, time_limit, promises)
    world = drill_world(scenario, settings)
    console.print(briefing(scenario, name, scale, chosen_seed, _runbooks(scenario), promises, world))
    terminal = PlayTerminal(sys.stdin, console)

    def session(scenario: Scenario, context: DrillContext, recorder: TimelineRecorder, watch: Watch) -> PlaySession:
        terminal.start()
        return PlaySession(
            scenario, context, recorder, watch, terminal=terminal, responder=name, hints=hints, time_limit=limit / scale
        )

    drill = Drill(scenario, settings, runtime_named(settings.runtime))
    bound = format_duration(drill.steady_state_bound())
    console.print(f"bringing the world up and waiting for its steady state (up to {bound})...", markup=False)
    with stop_on_terminate():
        result = drill.run(session)
    history = earlier_records(report_dir)
    if runner and not any(_runner_drilled(record, scenario.id) for record in history):
        history.append(_drill_with_runner(scenario, settings))
    comparison = compare(result.record, history)
    console.print(score_screen(result.score, scale, comparison, result.written.markdown))
    raise typer.Exit(0 if result.score.passed else 1)


def _user_name() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "responder"


def _time_limit(scenario: Scenario, text: str | None, policy: SeverityPolicy) -> float:
    """Scenario seconds the play may last from the start of the fault phase."""
    if text is None:
        target, _ = objective_targets(scenario.summary(), policy)["time_to_recover"]
        return target * TIME_LIMIT_FACTOR
    try:
        seconds = parse_duration(text).total_seconds()
    except ValueError as error:
        raise InputError(f"--time-limit: {error}") from None
    if seconds <= 0:
        raise InputError("--time-limit must be longer than 0s")
    return seconds


def _runbooks(scenario: Scenario) -> list[Path]:
    path = scenario.runbook.path
    return sorted(path.parent.glob("*.md")) if path is not None else []


def _runner_drilled(record: DrillRecord, scenario_id: str) -> bool:
    return record.scenario.id == scenario_id and record.responder.kind == "auto"


def _drill_with_runner(scenario: Scenario, played: DrillSettings) -> DrillRecord:
    """One automated drill of the scenario, for the comparison; its report is kept."""
    console.print(
        f"No automated drill of {scenario.id} in {played.report_dir} yet: drilling it once to compare with "
        f"(at time scale {RUNNER_COMPARISON_SCALE:g}, under a minute)...",
        markup=False,
    )
    with stop_on_terminate():
        settings = DrillSettings(
            seed=played.seed,
            time_scale=RUNNER_COMPARISON_SCALE,
            report_dir=played.report_dir,
            world_file=played.world_file,
            runtime=played.runtime,
        )
        done = Drill(scenario, settings, runtime_named(settings.runtime)).run(AutoResponder)
    return done.record


def earlier_records(report_dir: Path) -> list[DrillRecord]:
    """Every readable report.json under the report folder; one that cannot be read is skipped."""
    records = []
    for path in sorted(report_dir.glob("*/report.json")):
        try:
            with warnings.catch_warnings():
                # An earlier version's report still has its times, which are all a comparison needs.
                warnings.simplefilter("ignore", FormatWarning)
                records.append(read_report(path))
        except DrillbitError:
            continue
    return records
