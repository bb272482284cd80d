"""coverage.md: runbook coverage for a person, rendered from the computed coverage alone."""

from __future__ import annotations

from collections.abc import Iterator

from drills.reports.coverage import BlockCoverage, BlockRun, Coverage, EntryCoverage, RunbookCoverage, Totals
from drills.reports.formatting import cell

STATUS_WORDS = {"proven": "proven", "not_proven": "run, not proven", "never_run": "never run"}
RESULT_WORDS = {"ok": "finished ok", "failed": "failed", "unfinished": "did not finish"}


def render_coverage(coverage: Coverage) -> str:
    """The summary, the runbooks' table, the blocks never run, then each runbook's entries and blocks."""
    return "\n".join(_document(coverage)) + "\n"


def summary_line(coverage: Coverage) -> str:
    """One line: ``8 of 14 runbook blocks (57.1%) proven by a passing drill; 1 run, not proven; 5 never run``."""
    totals = coverage.totals
    return (
        f"{totals.proven} of {totals.blocks} runbook blocks ({_percent(totals)}) proven by a passing drill; "
        f"{totals.run - totals.proven} run, not proven; {totals.blocks - totals.run} never run"
    )


def _document(coverage: Coverage) -> Iterator[str]:
    yield "# Runbook coverage"
    yield ""
    yield f"From {coverage.drills} drill report(s): {summary_line(coverage)}."
    yield ""
    yield "| runbook | blocks | proven | run, not proven | never run | proven share |"
    yield "|---|---:|---:|---:|---:|---:|"
    for runbook in coverage.runbooks:
        yield _totals_row(f"`{cell(runbook.path)}`", runbook.totals)
    yield _totals_row("**all**", coverage.totals)
    if coverage.never_run:
        yield from ("", "## Never run", "")
        for runbook in coverage.runbooks:
            yield from (_never_run(runbook, block) for block in runbook.blocks if block.status == "never_run")
    for runbook in coverage.runbooks:
        yield from _runbook(runbook)
    if coverage.notes:
        yield from ("", "## Notes", "")
        yield from (f"- {cell(note)}" for note in coverage.notes)


def _totals_row(name: str, totals: Totals) -> str:
    not_proven, never = totals.run - totals.proven, totals.blocks - totals.run
    return f"| {name} | {totals.blocks} | {totals.proven} | {not_proven} | {never} | {_percent(totals)} |"


def _percent(totals: Totals) -> str:
    return f"{totals.percent:g}%"


def _runbook(runbook: RunbookCoverage) -> Iterator[str]:
    yield from ("", f"## {runbook.path}", "")
    if not runbook.blocks:
        yield "No fenced code block."
        return
    yield "| entry | blocks | run | proven |"
    yield "|---|---:|---:|---:|"
    top = min((entry.level for entry in runbook.entries), default=1)
    yield from (_entry_row(entry, top) for entry in runbook.entries)
    yield ""
    yield "| block | step's `runbook`, `block` | status | run by |"
    yield "|---|---|---|---|"
    yield from (_block_row(runbook, block) for block in runbook.blocks)


def _never_run(runbook: RunbookCoverage, block: BlockCoverage) -> str:
    return f"- `{cell(runbook.path)}:{block.line}` (`#{block.section}`, block {block.block})"


def _entry_row(entry: EntryCoverage, top: int) -> str:
    nested = "↳ " * (entry.level - top)
    return f"| {nested}{cell(entry.title)} (`#{entry.anchor}`) | {entry.blocks} | {entry.run} | {entry.proven} |"


def _block_row(runbook: RunbookCoverage, block: BlockCoverage) -> str:
    runs = "; ".join(_run(run) for run in block.runs) or "—"
    where = f"`#{block.section}`, {block.block}"
    return f"| `{cell(runbook.path)}:{block.line}` | {where} | {STATUS_WORDS[block.status]} | {runs} |"


def _run(run: BlockRun) -> str:
    drill = "drill passed" if run.drill_passed else "drill failed"
    return cell(f'{run.drill_id}, step "{run.step}": {RESULT_WORDS[run.result]}, {drill}')
