"""`drillbit coverage`, and the coverage.md and coverage.json that `drillbit ci` and `drillbit merge` write.

Runbook coverage counts the runbooks' fenced code blocks that drills ran through a ``shell`` step naming them
(``runbook: "#fix"``, ``block: 2``), from saved report.json files: see drills/reports/coverage.py.
"""

from __future__ import annotations

import os
import posixpath
import warnings
from collections.abc import Iterator, Sequence
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Final

import typer

from drills.cli.options import DEFAULT_SCENARIOS, ScenarioDir, report_files
from drills.errors import FormatWarning, InputError

if TYPE_CHECKING:
    from drills.reports.coverage import RunbookFile
    from drills.timeline import DrillRecord

COVERAGE_MD: Final = "coverage.md"
COVERAGE_JSON: Final = "coverage.json"


class Format(StrEnum):
    """What `drillbit coverage` prints."""

    MARKDOWN = "markdown"
    JSON = "json"


def coverage(
    reports: Annotated[
        list[Path] | None, typer.Argument(help="Report folders or report.json files (default: reports).")
    ] = None,
    scenarios: ScenarioDir = DEFAULT_SCENARIOS,
    output: Annotated[Format, typer.Option("--format", help="Print Markdown or JSON.")] = Format.MARKDOWN,
    fail_under: Annotated[
        float | None,
        typer.Option(min=0, max=100, help="Exit 1 when a smaller percentage of the runbook blocks is proven."),
    ] = None,
) -> None:
    """Runbook coverage: every runbook block, the drills that ran it and how they went; blocks never run by file:line.

    A block is proven when a drill that passed ran it (a shell step with runbook and block) and the step finished
    ok. The runbooks are every .md under SCENARIOS/runbooks, and any other that a report names.
    """
    from drills.reports import dumps_coverage, render_coverage, runbook_coverage

    records = read_records(reports or [Path("reports")])
    files = runbook_files(scenarios, records)
    if not files:
        raise InputError(
            f"no runbook found in {scenarios / 'runbooks'}, nor any that the reports name",
            hint="--scenarios DIR: the folder of the scenario files whose runbooks the drills ran",
        )
    result = runbook_coverage(records, files)
    typer.echo(dumps_coverage(result) if output is Format.JSON else render_coverage(result), nl=False)
    if fail_under is not None and result.below(fail_under):
        typer.echo(f"runbook coverage {result.totals.percent:g}% is below --fail-under {fail_under:g}%", err=True)
        raise typer.Exit(1)


def read_records(paths: Sequence[Path]) -> list[DrillRecord]:
    """The records of every report.json in ``paths`` (folders are searched at any depth)."""
    from drills.reports import read_report

    found = sorted({path for given in paths for path in report_files(given)})
    if not found:
        raise InputError("no report.json found in " + ", ".join(map(str, paths)))
    with warnings.catch_warnings():
        # An older report names no block and counts none; what else it lacks does not matter to coverage.
        warnings.simplefilter("ignore", FormatWarning)
        return [read_report(path) for path in found]


def runbook_files(scenarios: Path, records: Sequence[DrillRecord]) -> list[RunbookFile]:
    """Every .md under ``scenarios``/runbooks and every runbook file the records name, parsed, sorted by name."""
    from drills.language.files import read_text
    from drills.language.runbook import parse_runbook
    from drills.reports import RunbookFile

    names = {path.relative_to(scenarios).as_posix() for path in (scenarios / "runbooks").rglob("*.md")}
    names |= {name for record in records for name in _named(record) if (scenarios / name).is_file()}
    return [
        RunbookFile(name, os.path.normpath(scenarios / name), parse_runbook(read_text(scenarios / name)))
        for name in sorted(names)
    ]


def _named(record: DrillRecord) -> Iterator[str]:
    """The runbook files a record names, relative to its scenario's folder: the scenario's, and each step's."""
    from drills.timeline import EventKind

    references = [record.scenario.runbook] + [
        event.optional_text("runbook") for event in record.timeline if event.kind is EventKind.STEP_STARTED
    ]
    for reference in references:
        file = (reference or "").partition("#")[0]
        if file:
            yield posixpath.normpath(file)


def write_coverage(records: Sequence[DrillRecord], scenarios: Path, directory: Path) -> str:
    """coverage.md and coverage.json in ``directory``; the line that says so (or why they were not written)."""
    from drills.reports import dumps_coverage, render_coverage, runbook_coverage
    from drills.reports.coverage_markdown import summary_line

    files = runbook_files(scenarios, records)
    if not files:
        return f"runbook coverage: not written, no runbook found in {scenarios / 'runbooks'}"
    result = runbook_coverage(records, files)
    markdown, json = directory / COVERAGE_MD, directory / COVERAGE_JSON
    markdown.write_text(render_coverage(result), encoding="utf-8")
    json.write_text(dumps_coverage(result), encoding="utf-8")
    return f"runbook coverage: {summary_line(result)} ({markdown}, {json})"
