from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from drills.reports import render_markdown
from drills.timeline import DrillRecord, Event, EventKind, Responder, Severity


def section(markdown: str, heading: str) -> list[str]:
    """The non-blank lines under a heading, up to the next heading."""
    lines = markdown.splitlines()
    start = lines.index(heading) + 1
    end = next((i for i in range(start, len(lines)) if lines[i].startswith("#")), len(lines))
    return [line for line in lines[start:end] if line]


def test_render_markdown_has_every_section_of_a_review_in_order(recovered_record: DrillRecord) -> None:
    headings = [line for line in render_markdown(recovered_record).splitlines() if line.startswith("#")]

    assert headings == [
        "# Post-incident review: OAuth refresh failing",
        "## Summary",
        "## Impact",
        "## Timeline",
        "## Root cause",
        "## Resolution",
        "## Metrics against the P1 targets",
        "### Escalation",
        "### Hints",
        "### Points",
        "## Invariants",
        "## Action items",
    ]


def test_render_markdown_header_names_the_drill(recovered_record: DrillRecord) -> None:
    header = section(render_markdown(recovered_record), "# Post-incident review: OAuth refresh failing")

    assert header[:12] == [
        "| | |",
        "|---|---|",
        "| Scenario | `oauth-refresh-failing` |",
        "| Severity | P1 (response target: acknowledge within 15m) |",
        "| Outcome | recovered, **passed** |",
        "| Points | 100 of 100 |",
        "| Responder | runner (auto) |",
        "| Drill | `d-1` on the local runtime, seed 7, time scale 60 |",
        "| Started | 2024-05-01 10:00:00 UTC |",
        "| Finished | 2024-05-01 10:01:15 UTC |",
        "| Runbook | runbooks/oauth.md#refresh-failing |",
        "Durations are in scenario time (the runbook's own clock, 60 scenario seconds per wall second) unless "
        "marked wall.",
    ]


def test_render_markdown_summary_of_a_passed_drill(recovered_record: DrillRecord) -> None:
    assert section(render_markdown(recovered_record), "## Summary") == [
        "The time-tracking provider rotated the app's client secret. The fault `rotate-secret` was injected at "
        "T+00:10:00. A monitor fired 4m after it. The responder acknowledged 10m after it. Service recovered 40m "
        "after it. Verdict: **passed**."
    ]


def test_render_markdown_summary_gives_the_reasons_a_drill_failed(failed_record: DrillRecord) -> None:
    assert section(render_markdown(failed_record), "## Summary") == [
        "The time-tracking provider rotated the app's client secret. The fault `rotate-secret` was injected at "
        "T+00:10:00. A monitor fired 7m after it. Nobody acknowledged after it. Service did not recover after it. "
        "Verdict: **failed**: the system did not recover before the drill ended; time to detect objective missed: "
        "7m ± 6s against a target of 5m; time to acknowledge objective missed: it never happened (target 15m); time to "
        "recover objective missed: it never happened (target 1h); invariant 'no-lost-timesheets' broke: 3 missing."
    ]


def test_render_markdown_impact_of_a_recovered_drill(recovered_record: DrillRecord) -> None:
    assert section(render_markdown(recovered_record), "## Impact") == [
        "Every tenant's nightly timesheet import fails; reports go out without hours.",
        "- Service was impaired for 40m (scenario time; 40.000 s wall), from T+00:10:00 until the recovery window "
        "opened at T+00:50:00.",
        "- Monitors that fired: `token-refresh-errors`.",
        "- Declared monitors that never fired: `scheduler-failures`.",
        "- No invariant was seen to break.",
    ]


def test_render_markdown_impact_of_an_unrecovered_drill(failed_record: DrillRecord) -> None:
    assert section(render_markdown(failed_record), "## Impact") == [
        "Every tenant's nightly timesheet import fails; reports go out without hours.",
        "- Service was still impaired when the drill ended: at least 1h12m (scenario time).",
        "- Monitors that fired: `scheduler-failures`.",
        "- Declared monitors that never fired: `token-refresh-errors`.",
        "- Invariants broken: `no-lost-timesheets`.",
    ]


def test_render_markdown_timeline_shows_both_clocks(failed_record: DrillRecord) -> None:
    assert section(render_markdown(failed_record), "## Timeline") == [
        "| Wall (s) | Scenario | Event | Source | Details |",
        "|---:|---:|---|---|---|",
        "| 0.000 | T+00:00:00 | drill_started | runner | drill started |",
        "| 10.000 | T+00:10:00 | fault_injected | fault:rotate-secret | client secret rotated (fault=rotate-secret) |",
        "| 17.000 | T+00:17:00 | monitor_fired | monitor:scheduler-failures | scheduler \\| 403 "
        "(monitor=scheduler-failures) |",
        "| 80.000 | T+01:20:00 | invariant_checked | runner | rows (invariant=no-lost-timesheets, held=false, "
        "detail=3 missing) |",
        "| 81.000 | T+01:21:00 | fault_reverted | fault:rotate-secret | revert (fault=rotate-secret, ok=false, "
        "error=gone) |",
        "| 82.000 | T+01:22:00 | drill_finished | runner | drill finished |",
    ]


def test_render_markdown_root_cause_and_resolution(recovered_record: DrillRecord) -> None:
    markdown = render_markdown(recovered_record)

    assert (section(markdown, "## Root cause"), section(markdown, "## Resolution")) == (
        ["The client secret was rotated at the provider but not in the app's settings."],
        [
            "Redeploy the app with the provider's new client secret.",
            "- T+00:40:00 redeploy app with the new secret",
            "- Fault `rotate-secret` reverted.",
        ],
    )


def test_render_markdown_metrics_against_the_severity_targets(failed_record: DrillRecord) -> None:
    rows = section(render_markdown(failed_record), "## Metrics against the P1 targets")[:5]

    assert rows == [
        "| Metric | Scenario time | Wall time | Target | Target from | Met |",
        "|---|---:|---:|---:|---|---|",
        "| Time to detect | 7m ± 6s | 7.000 s | 5m | P1 default | **no** |",
        "| Time to acknowledge | never | — | 15m | P1 default | **no** |",
        "| Time to recover | never | — | 1h | P1 default | **no** |",
    ]


def test_render_markdown_writes_out_each_metric_definition(recovered_record: DrillRecord) -> None:
    lines = section(render_markdown(recovered_record), "## Metrics against the P1 targets")[5:]

    assert [line.split(":")[0] for line in lines] == [
        "- **Time to detect**",
        "- **Time to acknowledge**",
        "- **Time to recover**",
    ]


def test_render_markdown_escalation_of_a_p1_left_unescalated(failed_record: DrillRecord) -> None:
    assert section(render_markdown(failed_record), "### Escalation") == [
        "| Rule | Escalated after | Kept |",
        "|---|---:|---|",
        "| L2 within 30m | never | **no** |",
        "| L3 within 1h | never | **no** |",
    ]


def test_render_markdown_escalation_below_p2(make_record: Callable[..., DrillRecord]) -> None:
    markdown = render_markdown(make_record(severity=Severity.P3))

    assert section(markdown, "### Escalation") == ["No escalation rule applies to a P3."]


def test_render_markdown_resolution_of_a_played_drill(
    make_record: Callable[..., DrillRecord], make_event: Callable[..., Event]
) -> None:
    """A person has no steps: the changes made through the deploy tool, and their notes, are the resolution."""
    record = make_record(
        make_event(3, EventKind.NOTE, "watch", "a check could not run"),
        make_event(4, EventKind.COMMAND, "responder:ana", "!curl $APP_URL", command="!curl $APP_URL"),
        make_event(5, EventKind.COMMAND, "deploy-tool", "world set scheduler SCHEDULER_SECRET (from app): redeployed"),
        make_event(6, EventKind.NOTE, "responder:ana", "copied the app's secret to the scheduler"),
    )

    assert section(render_markdown(record), "## Resolution") == [
        "Redeploy the app with the provider's new client secret.",
        "- T+00:05:00 world set scheduler SCHEDULER_SECRET (from app): redeployed",
        "- T+00:06:00 note by responder:ana: copied the app's secret to the scheduler",
        "- The responder ran 2 command(s); each is in the timeline.",
    ]


def test_render_markdown_hints(make_record: Callable[..., DrillRecord], make_event: Callable[..., Event]) -> None:
    record = make_record(
        make_event(5, EventKind.HINT_TAKEN, "play", "read the scheduler log", hint="scheduler-log", cost=10),
        make_event(6, EventKind.HINT_TAKEN, "play", "check the secret"),
    )

    assert section(render_markdown(record), "### Hints") == [
        "- T+00:05:00 scheduler-log (cost 10)",
        "- T+00:06:00 check the secret",
    ]


RULE = (
    "Scoring: 100 points, less each hint's cost, 20 for each objective missed, 20 for each declared invariant that "
    "broke or was never checked, and 10 for each escalation rule that was due and not kept; 0 when the drill did "
    "not recover; never below 0."
)


def test_render_markdown_points_of_a_drill_that_lost_nothing(recovered_record: DrillRecord) -> None:
    assert section(render_markdown(recovered_record), "### Points") == [
        "**100** of 100 points: no hint taken and nothing missed.",
        RULE,
    ]


def test_render_markdown_points_lists_what_each_deduction_was_for(
    make_record: Callable[..., DrillRecord], make_event: Callable[..., Event]
) -> None:
    record = make_record(
        make_event(10, EventKind.FAULT_INJECTED, "fault:f", "in", fault="f"),
        make_event(12, EventKind.HINT_TAKEN, "responder:ana", "hint 1", hint="How it is noticed", cost=10),
        make_event(13, EventKind.HINT_TAKEN, "responder:ana", "hint 2", hint="Confirm | check", cost=5),
        make_event(14, EventKind.MONITOR_FIRED, "monitor:m", "fired", monitor="m"),
        make_event(30, EventKind.ACKNOWLEDGED, "responder:ana", "on it"),
        make_event(50, EventKind.RECOVERED, "runner", "held", window_started_at=45.0),
        make_event(51, EventKind.INVARIANT_CHECKED, "runner", "rows", invariant="no-lost-timesheets", held=True),
    )

    assert section(render_markdown(record), "### Points") == [
        "**55** of 100 points.",
        "| Points lost | For |",
        "|---:|---|",
        "| 10 | hint: How it is noticed |",
        "| 5 | hint: Confirm \\| check |",
        "| 20 | time to acknowledge objective missed |",
        "| 10 | no escalation to L2 within 30m |",
        RULE,
    ]


def test_render_markdown_points_of_a_drill_that_did_not_recover(failed_record: DrillRecord) -> None:
    assert section(render_markdown(failed_record), "### Points") == [
        "**0** of 100 points: a drill that did not recover scores 0.",
        RULE,
    ]


def test_render_markdown_invariants(failed_record: DrillRecord) -> None:
    assert section(render_markdown(failed_record), "## Invariants") == [
        "| Invariant | Result | Checks | Detail |",
        "|---|---|---:|---|",
        "| no-lost-timesheets | **broken** | 1 | 3 missing |",
    ]


def test_render_markdown_action_items_from_what_was_missed(failed_record: DrillRecord) -> None:
    assert section(render_markdown(failed_record), "## Action items") == [
        "- [ ] Detection took 7m against a 5m target: tighten the conditions or `for` of `token-refresh-errors`, "
        "`scheduler-failures`.",
        "- [ ] Nobody acknowledged the alert: check that it reaches the on-call responder.",
        "- [ ] The system did not recover: review the fix in the runbook (runbooks/oauth.md#refresh-failing).",
        "- [ ] Invariant `no-lost-timesheets` broke (3 missing): find out how the incident or its fix broke it, "
        "and guard it.",
        "- [ ] Fault `rotate-secret` was not reverted (gone): restore the world by hand (`drillbit down`) and fix "
        "the fault's revert.",
        "- [ ] A P1 still unrecovered after 30m must be escalated to L2 by then, and it was never escalated: "
        "rehearse the escalation path.",
        "- [ ] A P1 still unrecovered after 1h must be escalated to L3 by then, and it was never escalated: "
        "rehearse the escalation path.",
    ]


def test_render_markdown_no_action_items_when_nothing_was_missed(recovered_record: DrillRecord) -> None:
    assert section(render_markdown(recovered_record), "## Action items") == [
        "None: every objective was met, every invariant held, every fault was reverted and every escalation rule "
        "was kept."
    ]


def test_render_markdown_of_a_drill_that_stopped_on_an_error(
    make_record: Callable[..., DrillRecord], make_event: Callable[..., Event]
) -> None:
    record = make_record(make_event(1, EventKind.DRILL_ERROR, "runner", "postgres did not start"))

    assert section(render_markdown(record), "## Action items")[0] == (
        "- [ ] The drill did not run to its end (the drill stopped on an error: postgres did not start): fix the "
        "cause and run it again."
    )


def test_render_markdown_ends_with_exactly_one_newline(recovered_record: DrillRecord) -> None:
    markdown = render_markdown(recovered_record)

    assert (markdown.endswith("\n"), markdown.endswith("\n\n"), "\n\n\n" in markdown) == (True, False, False)


def test_render_markdown_header_cells_cannot_break_the_table(recovered_record: DrillRecord) -> None:
    record = recovered_record.model_copy(
        update={
            "responder": Responder(kind="person", name="ana | ben"),
            "started_at": datetime(2024, 5, 1, 10, 0, 0, 250_000, tzinfo=UTC),
        }
    )
    header = section(render_markdown(record), "# Post-incident review: OAuth refresh failing")

    assert (header[6], header[8]) == ("| Responder | ana \\| ben (person) |", "| Started | 2024-05-01 10:00:00 UTC |")
