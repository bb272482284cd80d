"""What the play terminal shows: the briefing, a page, and the score at the end.

The briefing says what the responder is on call for, the targets and the tools, and nothing of what will
break: no title, no description, no runbook entry. A page says what an alerting system would say: the
monitor, its severity, what it saw, and the runbook file (not the entry: finding it is the responder's work).
"""

from __future__ import annotations

from pathlib import Path

from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from drills.durations import format_duration
from drills.scenario.model import Scenario
from drills.scoring.history import Comparison
from drills.scoring.score import METRICS, MetricName, Score, objective_targets
from drills.severity import DEFAULT_POLICY, SeverityPolicy
from drills.timeline import Event
from drills.world.spec import WorldSpec

LABELS: dict[MetricName, str] = {
    "time_to_detect": "time to detect",
    "time_to_acknowledge": "time to acknowledge",
    "time_to_recover": "time to recover",
}

TOOLS = """\
[bold]In this terminal[/]
  ack                      take the page
  hint                     the next section of the runbook entry (costs points)
  note TEXT                a note on the incident's timeline
  escalate L2|L3|L4        bring in the next level
  status                   pages, hints, escalation, recovery so far
  resolve                  claim that service is restored: the harness checks it
  abort                    give up (the drill ends, not recovered)
  !COMMAND                 run a shell command with the world's variables (e.g. !curl -s $APP_URL/api/v1/health)
[bold]In a second terminal[/] (from this folder)
  drillbit shell           a shell with APP_URL, DATABASE_URL, PG*, REDIS_URL, TOXIPROXY_URL, ADMIN_API_KEY,
                           each provider's URL, and psql and redis-cli on its PATH
  drillbit world ...       the deploy tool: status, show SERVICE, set SERVICE KEY=VALUE (or KEY --from OTHER),
                           unset, restart SERVICE, logs SERVICE, backup, backups, restore NAME"""


def wall_text(scenario_seconds: float, scale: float) -> str:
    return format_duration(scenario_seconds / scale)


def _product(world: WorldSpec | None) -> str:
    if world is None:
        return "the world"
    described = world.description.rstrip(".")
    return f"the {world.name} world ({described})" if described else f"the {world.name} world"


def briefing(
    scenario: Scenario,
    responder: str,
    scale: float,
    seed: int,
    runbooks: list[Path],
    policy: SeverityPolicy = DEFAULT_POLICY,
    world: WorldSpec | None = None,
) -> RenderableType:
    """Who is on call for what, the targets, the tools; no spoiler of the fault."""
    targets = objective_targets(scenario.summary(), policy)
    lines = Table.grid(padding=(0, 2))
    for metric in METRICS:
        target, source = targets[metric]
        whose = "this incident's" if source == "scenario" else f"{scenario.severity}'s"
        lines.add_row(
            LABELS[metric], f"{format_duration(target)}", f"({wall_text(target, scale)} on your watch; {whose} target)"
        )
    clock = Text.from_markup(
        f"Responder [bold]{responder}[/] · seed {seed} · time runs {scale:g} times faster than your watch: "
        f"a scenario minute is {format_duration(60 / scale)}."
    )
    about = Text(
        f"You are on call for {_product(world)}: its services are {', '.join(world.names()) if world else 'up'}, "
        "its dependencies behind a Toxiproxy fault proxy. Something will go wrong at a moment you do not know; "
        "when a monitor fires, you are paged here."
    )
    books = ", ".join(str(path) for path in runbooks) or "none found"
    return Panel(
        Group(
            about,
            Text(""),
            clock,
            Text(""),
            Text("Targets, from the first fault on:", style="bold"),
            lines,
            Text(""),
            Text.from_markup(TOOLS),
            Text(""),
            Text(f"Runbooks: {books}"),
            Text(f"Score: {policy.points.text()}"),
        ),
        title="drillbit play · you are on call",
        border_style="blue",
    )


def page(scenario: Scenario, event: Event, runbook_file: Path | None) -> RenderableType:
    """A page, as an alerting system would word it."""
    name = event.text("monitor")
    monitor = next((m for m in scenario.monitors if m.name == name), None)
    severity = scenario.monitor_severity(monitor) if monitor is not None else scenario.severity
    body = Table.grid(padding=(0, 2))
    body.add_row("alert", name)
    body.add_row("summary", event.message)
    detail = event.optional_text("detail")
    if detail and monitor is not None and monitor.fires_when == "fails":
        body.add_row("observed", detail)  # what failed; a monitor firing on a query that holds has its summary
    if runbook_file:
        body.add_row("runbook", str(runbook_file))
    body.add_row("", "type [bold]ack[/] to take it")
    return Panel(body, title=f"PAGE · {severity} · {name}", border_style="red", style="bold")


def score_screen(score: Score, scale: float, comparison: Comparison | None, report: Path) -> RenderableType:
    """The score: each metric against its target, hints, escalation, invariants, and earlier attempts."""
    parts: list[RenderableType] = [_metrics(score, scale)]
    if score.hints:
        used = ", ".join(f"{hint.hint} ({hint.cost:g})" if hint.cost is not None else hint.hint for hint in score.hints)
        parts.append(Text(f"hints taken: {used}"))
    else:
        parts.append(Text("hints taken: none"))
    for rule in score.escalation:
        state = "not due" if not rule.due else ("in time" if rule.met else "missed")
        parts.append(Text(f"escalation to {rule.level} within {format_duration(rule.within_s)}: {state}"))
    for invariant in score.invariants:
        parts.append(Text(f"invariant {invariant.name}: {invariant.status}"))
    if comparison is not None:
        parts.append(_comparison(comparison))
    verdict = "passed" if score.passed else score.outcome.replace("_", " ")
    parts.append(Text(f"{score.points} points · {verdict}", style="bold green" if score.passed else "bold red"))
    parts.extend(Text(f"- {reason}", style="red") for reason in score.reasons)
    parts.append(Text(f"report: {report}"))
    return Panel(Group(*parts), title="drill over: your score", border_style="green" if score.passed else "red")


def _metrics(score: Score, scale: float) -> Table:
    table = Table(box=None)
    for column in ("", "yours", "on your watch", "target", ""):
        table.add_column(column)
    for objective in score.objectives:
        actual = objective.actual_s
        table.add_row(
            LABELS[objective.metric],
            "-" if actual is None else format_duration(actual),
            "-" if objective.actual_wall_s is None else format_duration(objective.actual_wall_s),
            format_duration(objective.target_s),
            "[green]met[/]" if objective.met else "[red]missed[/]",
        )
    return table


def _comparison(comparison: Comparison) -> RenderableType:
    if not comparison.earlier and not comparison.runner_attempts:
        return Text("first attempt at this scenario here: nothing to compare with yet")
    table = Table(box=None, title=f"against {len(comparison.earlier)} earlier attempt(s) and the automated runner")
    for column in ("", "this time", "last time", "your best", "automated runner"):
        table.add_column(column)

    def shown(value: float | None) -> str:
        return "-" if value is None else format_duration(value)

    for metric in comparison.metrics:
        table.add_row(
            LABELS[metric.metric],
            shown(metric.this_s),
            shown(metric.previous_s),
            shown(metric.personal_best_s),
            shown(metric.runner_best_s),
        )
    earlier = comparison.earlier
    table.add_row(
        "points",
        str(comparison.attempt.points),
        str(earlier[-1].points) if earlier else "-",
        str(max(attempt.points for attempt in earlier)) if earlier else "-",
        "-",
    )
    return table
