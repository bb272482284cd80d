"""Runbook coverage from hand-built records and a runbook parsed in the test. At a time scale of 60, a wall second
is a scenario minute."""

from __future__ import annotations

from datetime import UTC, datetime

from pydantic import JsonValue

from drills.language.runbook import parse_runbook
from drills.reports import Coverage, RunbookFile, dumps_coverage, render_coverage, runbook_coverage
from drills.reports.coverage import BlockCoverage, BlockRun, EntryCoverage, RunbookCoverage, Totals
from drills.timeline import DrillRecord, Event, EventKind, Responder, ScenarioSummary, Severity

SCALE = 60.0
K = EventKind
RUNBOOK = """\
# Runbook: scheduled reports

## Triage

```sh
curl -fsS "$APP_URL/api/v1/health"
```

## cron-secret-mismatch

### Confirm

```sh
curl -fsS "$SCHEDULER_URL/_control/state" | jq '.ticks[-1]'
```

### Fix

```sh
drillbit world set scheduler SCHEDULER_SECRET --from app
```

```sh
curl -fsS "$SCHEDULER_URL/_control/state" | jq '.ticks[-1]'
```
"""
REPORTS = RunbookFile("runbooks/reports.md", "scenarios/runbooks/reports.md", parse_runbook(RUNBOOK))
EMPTY = RunbookFile("runbooks/empty.md", "scenarios/runbooks/empty.md", parse_runbook("# Nothing to run\n"))
CONFIRM = ("confirm the last tick", "runbooks/reports.md#confirm", 1, 13)
FIX = ("redeploy the scheduler", "runbooks/reports.md#fix", 1, 19)
Step = tuple[str, str, int, int | None]


def ev(at: float, what: EventKind, message: str = "", **data: JsonValue) -> Event:
    return Event(at=at, scenario_at=at * SCALE, kind=what, source="runner", message=message, data=data)


def ran(at: float, step: Step, ok: bool | None = True) -> tuple[Event, ...]:
    """A shell step that ran a runbook block: started, then finished ok or failed (None: never finished)."""
    name, runbook, block, line = step
    data: dict[str, JsonValue] = {"step": name, "kind": "shell", "runbook": runbook, "block": block}
    if line is not None:
        data["line"] = line
    started = ev(at, K.STEP_STARTED, name, **data)
    return (started,) if ok is None else (started, ev(at + 1, K.STEP_FINISHED, name, step=name, ok=ok))


def drill(*steps: tuple[Event, ...], recovered: bool = True, drill_id: str = "cron-secret-mismatch-1") -> DrillRecord:
    """A drill of the scheduler's secret: fault at 5 s, paged at 7 s, the steps from 10 s, recovered or not."""
    names = tuple(dict.fromkeys(e.text("step") for events in steps for e in events if e.kind is K.STEP_STARTED))
    timeline = (
        ev(0, K.DRILL_STARTED),
        ev(5, K.FAULT_INJECTED, fault="stale-secret"),
        ev(7, K.MONITOR_FIRED, monitor="scheduler-ticks-refused"),
        ev(8, K.ACKNOWLEDGED),
        *(event for events in steps for event in events),
        *((ev(40, K.RECOVERED, window_started_at=30.0),) if recovered else ()),
        ev(41, K.DRILL_FINISHED),
    )
    return DrillRecord(
        drill_id=drill_id,
        scenario=ScenarioSummary(
            id="cron-secret-mismatch",
            title="The scheduler's shared secret does not match the app's",
            severity=Severity.P2,
            runbook="runbooks/reports.md#cron-secret-mismatch",
            response=names,
            recovery_hold_s=900,
        ),
        runtime="local",
        seed=0,
        time_scale=SCALE,
        responder=Responder(kind="auto", name="auto"),
        started_at=datetime(2024, 5, 1, 10, 0, tzinfo=UTC),
        timeline=timeline,
    )


def run(step: Step, result: str = "ok", passed: bool = True, drill_id: str = "cron-secret-mismatch-1") -> BlockRun:
    return BlockRun.model_validate(
        {
            "scenario": "cron-secret-mismatch",
            "drill_id": drill_id,
            "step": step[0],
            "result": result,
            "drill_passed": passed,
            "line": step[3],
        }
    )


def statuses(coverage: Coverage) -> list[tuple[int, str, tuple[BlockRun, ...]]]:
    return [(block.line, block.status, block.runs) for file in coverage.runbooks for block in file.blocks]


def test_runbook_coverage_counts_each_block_entry_and_runbook_and_lists_the_blocks_never_run() -> None:
    coverage = runbook_coverage([drill(ran(10, CONFIRM), ran(20, FIX))], [REPORTS, EMPTY])

    assert coverage == Coverage(
        drills=1,
        totals=Totals(blocks=4, run=2, proven=2, percent=50.0),
        runbooks=(
            RunbookCoverage(
                name="runbooks/reports.md",
                path="scenarios/runbooks/reports.md",
                totals=Totals(blocks=4, run=2, proven=2, percent=50.0),
                entries=(
                    EntryCoverage(anchor="triage", title="Triage", level=2, line=3, blocks=1, run=0, proven=0),
                    EntryCoverage(
                        anchor="cron-secret-mismatch",
                        title="cron-secret-mismatch",
                        level=2,
                        line=9,
                        blocks=3,
                        run=2,
                        proven=2,
                    ),
                    EntryCoverage(anchor="confirm", title="Confirm", level=3, line=11, blocks=1, run=1, proven=1),
                    EntryCoverage(anchor="fix", title="Fix", level=3, line=17, blocks=2, run=1, proven=1),
                ),
                blocks=(
                    BlockCoverage(line=5, section="triage", block=1, language="sh", status="never_run", runs=()),
                    BlockCoverage(
                        line=13, section="confirm", block=1, language="sh", status="proven", runs=(run(CONFIRM),)
                    ),
                    BlockCoverage(line=19, section="fix", block=1, language="sh", status="proven", runs=(run(FIX),)),
                    BlockCoverage(line=23, section="fix", block=2, language="sh", status="never_run", runs=()),
                ),
            ),
            RunbookCoverage(
                name="runbooks/empty.md",
                path="scenarios/runbooks/empty.md",
                totals=Totals(blocks=0, run=0, proven=0, percent=100.0),
                entries=(),
                blocks=(),
            ),
        ),
        never_run=("scenarios/runbooks/reports.md:5", "scenarios/runbooks/reports.md:23"),
        notes=(),
    )


def test_runbook_coverage_names_a_block_by_the_step_s_section_and_number_whichever_section_the_step_named() -> None:
    # `#cron-secret-mismatch` block 3 is the Fix section's block 2: the same block, shown under its own section.
    entry_wide = ("check the next tick", "runbooks/reports.md#cron-secret-mismatch", 3, 23)

    coverage = runbook_coverage([drill(ran(10, entry_wide))], [REPORTS])

    assert [(block.line, block.section, block.block, block.status) for block in coverage.runbooks[0].blocks] == [
        (5, "triage", 1, "never_run"),
        (13, "confirm", 1, "never_run"),
        (19, "fix", 1, "never_run"),
        (23, "fix", 2, "proven"),
    ]


def test_runbook_coverage_counts_a_block_run_only_by_a_failing_drill_as_run_but_not_proven() -> None:
    records = [drill(ran(10, CONFIRM), ran(20, FIX, ok=False), recovered=False)]

    coverage = runbook_coverage(records, [REPORTS])

    assert statuses(coverage) == [
        (5, "never_run", ()),
        (13, "not_proven", (run(CONFIRM, passed=False),)),
        (19, "not_proven", (run(FIX, "failed", passed=False),)),
        (23, "never_run", ()),
    ]
    assert coverage.totals == Totals(blocks=4, run=2, proven=0, percent=0.0)


def test_runbook_coverage_proves_a_block_when_any_one_passing_drill_ran_it() -> None:
    records = [drill(ran(10, FIX), recovered=False, drill_id="d-failed"), drill(ran(10, FIX), drill_id="d-passed")]

    coverage = runbook_coverage(records, [REPORTS])

    assert statuses(coverage)[2] == (
        19,
        "proven",
        (run(FIX, passed=False, drill_id="d-failed"), run(FIX, drill_id="d-passed")),
    )


def test_runbook_coverage_of_a_step_that_never_finished_says_so() -> None:
    coverage = runbook_coverage([drill(ran(10, FIX, ok=None), recovered=False)], [REPORTS])

    assert statuses(coverage)[2] == (19, "not_proven", (run(FIX, "unfinished", passed=False),))


def test_runbook_coverage_counts_nothing_from_a_record_whose_steps_name_no_block() -> None:
    older = drill(
        (ev(10, K.STEP_STARTED, step="redeploy", kind="shell"), ev(11, K.STEP_FINISHED, step="redeploy", ok=True))
    )

    coverage = runbook_coverage([older], [REPORTS])

    assert (coverage.drills, coverage.totals, coverage.notes) == (1, Totals(blocks=4, run=0, proven=0, percent=0.0), ())


def test_runbook_coverage_notes_runs_it_cannot_place_and_blocks_that_moved_since_they_were_drilled() -> None:
    gone = ("run block 3 of fix", "runbooks/reports.md#fix", 3, 27)
    elsewhere = ("run the database fix", "runbooks/database.md#fix", 1, 37)
    moved = ("redeploy the scheduler", "runbooks/reports.md#fix", 1, 17)

    coverage = runbook_coverage([drill(ran(10, gone), ran(20, elsewhere), ran(30, moved))], [REPORTS])

    assert coverage.notes == (
        'cron-secret-mismatch-1 ran runbooks/reports.md#fix block 3 (step "run block 3 of fix"), '
        "which has no such block now",
        'cron-secret-mismatch-1 ran runbooks/database.md#fix block 1 (step "run the database fix"), which is not '
        "among the runbooks measured",
        "cron-secret-mismatch-1 ran runbooks/reports.md#fix block 1 at line 17; it is at line 19 now",
    )
    assert statuses(coverage)[2] == (19, "proven", (run(moved),))


def test_coverage_below_compares_the_exact_share_not_the_rounded_percent() -> None:
    two_of_three = runbook_coverage([drill(ran(10, CONFIRM), ran(20, FIX))], [REPORTS]).model_copy(
        update={"totals": Totals(blocks=3, run=2, proven=2, percent=66.6)}
    )

    assert [two_of_three.below(percent) for percent in (66.6, 66.67, 0, 100)] == [False, True, False, True]


def test_runbook_coverage_without_blocks_is_whole_and_never_below() -> None:
    coverage = runbook_coverage([], [EMPTY])

    assert (coverage.totals, coverage.below(100)) == (Totals(blocks=0, run=0, proven=0, percent=100.0), False)


def test_dumps_coverage_reads_back_as_the_same_coverage() -> None:
    coverage = runbook_coverage([drill(ran(10, CONFIRM), ran(20, FIX, ok=False), recovered=False)], [REPORTS])

    assert Coverage.model_validate_json(dumps_coverage(coverage)) == coverage


def test_render_coverage_shows_the_totals_the_blocks_never_run_and_each_block_s_runs() -> None:
    records = [drill(ran(10, CONFIRM), ran(20, FIX, ok=False), recovered=False, drill_id="d-2")]

    text = render_coverage(runbook_coverage(records, [REPORTS, EMPTY]))

    assert text == (
        "# Runbook coverage\n"
        "\n"
        "From 1 drill report(s): 0 of 4 runbook blocks (0%) proven by a passing drill; 2 run, not proven; "
        "2 never run.\n"
        "\n"
        "| runbook | blocks | proven | run, not proven | never run | proven share |\n"
        "|---|---:|---:|---:|---:|---:|\n"
        "| `scenarios/runbooks/reports.md` | 4 | 0 | 2 | 2 | 0% |\n"
        "| `scenarios/runbooks/empty.md` | 0 | 0 | 0 | 0 | 100% |\n"
        "| **all** | 4 | 0 | 2 | 2 | 0% |\n"
        "\n"
        "## Never run\n"
        "\n"
        "- `scenarios/runbooks/reports.md:5` (`#triage`, block 1)\n"
        "- `scenarios/runbooks/reports.md:23` (`#fix`, block 2)\n"
        "\n"
        "## scenarios/runbooks/reports.md\n"
        "\n"
        "| entry | blocks | run | proven |\n"
        "|---|---:|---:|---:|\n"
        "| Triage (`#triage`) | 1 | 0 | 0 |\n"
        "| cron-secret-mismatch (`#cron-secret-mismatch`) | 3 | 2 | 0 |\n"
        "| ↳ Confirm (`#confirm`) | 1 | 1 | 0 |\n"
        "| ↳ Fix (`#fix`) | 2 | 1 | 0 |\n"
        "\n"
        "| block | step's `runbook`, `block` | status | run by |\n"
        "|---|---|---|---|\n"
        "| `scenarios/runbooks/reports.md:5` | `#triage`, 1 | never run | — |\n"
        "| `scenarios/runbooks/reports.md:13` | `#confirm`, 1 | run, not proven |"
        ' d-2, step "confirm the last tick": finished ok, drill failed |\n'
        "| `scenarios/runbooks/reports.md:19` | `#fix`, 1 | run, not proven |"
        ' d-2, step "redeploy the scheduler": failed, drill failed |\n'
        "| `scenarios/runbooks/reports.md:23` | `#fix`, 2 | never run | — |\n"
        "\n"
        "## scenarios/runbooks/empty.md\n"
        "\n"
        "No fenced code block.\n"
    )
