from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from drills.errors import FormatWarning, ReportError
from drills.reports import dumps_report, loads_report, read_report, report_document
from drills.scoring.score import DEFINITIONS
from drills.timeline import DrillRecord


def test_report_document_puts_the_record_then_the_verdict_then_the_timeline(recovered_record: DrillRecord) -> None:
    assert list(report_document(recovered_record)) == [
        "schema_version",
        "drill_id",
        "scenario",
        "runtime",
        "seed",
        "time_scale",
        "responder",
        "policy",
        "started_at",
        "finished_at",
        "outcome",
        "passed",
        "reasons",
        "metrics",
        "objectives",
        "invariants",
        "steps",
        "escalation",
        "hints",
        "reverts",
        "points",
        "undecided",
        "timeline",
    ]


def test_report_document_metrics_in_wall_and_scenario_seconds(recovered_record: DrillRecord) -> None:
    assert report_document(recovered_record)["metrics"] == {
        "time_to_detect_s": 4.0,
        "time_to_acknowledge_s": 10.0,
        "time_to_recover_s": 40.0,
        "time_to_detect_scenario_s": 240.0,
        "time_to_acknowledge_scenario_s": 600.0,
        "time_to_recover_scenario_s": 2400.0,
        "time_to_detect_resolution_s": 6.0,
        "time_to_acknowledge_resolution_s": 6.0,
        "time_to_recover_resolution_s": 6.0,
        "definitions": dict(DEFINITIONS),
    }


def test_report_document_verdict_objectives_and_invariants(failed_record: DrillRecord) -> None:
    document = report_document(failed_record)

    assert {key: document[key] for key in ("schema_version", "outcome", "passed", "objectives", "invariants")} == {
        "schema_version": 3,
        "outcome": "not_recovered",
        "passed": False,
        "objectives": [
            {
                "metric": "time_to_detect",
                "target_s": 300.0,
                "source": "severity",
                "actual_s": 420.0,
                "actual_wall_s": 7.0,
                "met": False,
                "resolution_s": 6.0,
                "verdict": "missed",
            },
            {
                "metric": "time_to_acknowledge",
                "target_s": 900.0,
                "source": "severity",
                "actual_s": None,
                "actual_wall_s": None,
                "met": False,
                "resolution_s": None,
                "verdict": "missed",
            },
            {
                "metric": "time_to_recover",
                "target_s": 3600.0,
                "source": "severity",
                "actual_s": None,
                "actual_wall_s": None,
                "met": False,
                "resolution_s": None,
                "verdict": "missed",
            },
        ],
        "invariants": [
            {
                "name": "no-lost-timesheets",
                "declared": True,
                "status": "broken",
                "held": False,
                "checks": 1,
                "detail": "3 missing",
                "evidence": None,
            }
        ],
    }


def test_report_document_carries_the_points(recovered_record: DrillRecord, failed_record: DrillRecord) -> None:
    # The recovered drill missed nothing; the failed one did not recover, which scores 0 whatever else it did.
    assert (report_document(recovered_record)["points"], report_document(failed_record)["points"]) == (100, 0)


def test_report_document_timeline_keeps_both_clocks(recovered_record: DrillRecord) -> None:
    assert report_document(recovered_record)["timeline"][1] == {
        "at": 10.0,
        "scenario_at": 600.0,
        "kind": "fault_injected",
        "source": "fault:rotate-secret",
        "message": "client secret rotated",
        "data": {"fault": "rotate-secret"},
    }


def test_loads_report_round_trips_the_record(failed_record: DrillRecord) -> None:
    assert loads_report(dumps_report(failed_record)) == failed_record


def test_read_report_reads_a_saved_file(tmp_path: Path, recovered_record: DrillRecord) -> None:
    path = tmp_path / "report.json"
    path.write_text(dumps_report(recovered_record), encoding="utf-8")

    assert read_report(path) == recovered_record


def _saved(record: DrillRecord, change: Callable[[dict[str, Any]], object]) -> str:
    document = report_document(record)
    change(document)
    return json.dumps(document)


def test_loads_report_reads_a_file_written_before_points_existed(recovered_record: DrillRecord) -> None:
    assert loads_report(_saved(recovered_record, lambda d: d.pop("points"))) == recovered_record


def test_loads_report_reads_a_version_1_file_and_warns_what_it_lacks(recovered_record: DrillRecord) -> None:
    def version_1(document: dict[str, Any]) -> None:
        document.update(schema_version=1)
        document["scenario"].pop("response")
        document.pop("steps")
        for invariant in document["invariants"]:
            invariant.pop("evidence")

    with pytest.warns(FormatWarning) as warned:
        record = loads_report(_saved(recovered_record, version_1), "old/report.json")
    assert (record.schema_version, record.scenario.response, str(warned[0].message)) == (
        1,
        (),
        "old/report.json: schema_version 1 does not list the scenario's response steps, so a step that never ran "
        "is not counted against this drill; drill the scenario again for a version 3 report",
    )


def test_loads_report_reads_a_version_2_file_and_warns_what_it_lacks(recovered_record: DrillRecord) -> None:
    def version_2(document: dict[str, Any]) -> None:
        document.update(schema_version=2)
        document.pop("undecided")
        for objective in document["objectives"]:
            objective.pop("resolution_s")
            objective.pop("verdict")

    with pytest.warns(FormatWarning) as warned:
        record = loads_report(_saved(recovered_record, version_2), "old/report.json")
    assert (record.schema_version, str(warned[0].message)) == (
        2,
        "old/report.json: schema_version 2 has no polling intervals on its events, so each time's ± is the time "
        "scale's alone, and its times include the harness's own work; drill the scenario again for a version 3 "
        "report",
    )


HINT = (
    "Hint: report.json is written by drillbit and read back as it was written; restore the original file or run "
    "the drill again."
)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda d: d.update(schema_version=4),
            "r.json: schema_version 4 is not one this drillbit reads (it reads 1, 2, 3)",
        ),
        (lambda d: d.pop("schema_version"), "r.json: no schema_version: this is not a drillbit report.json"),
        (lambda d: d.update(extra=1, zzz=2), "r.json: unknown keys: extra, zzz"),
        (
            lambda d: d["timeline"][2].update(kind="exploded"),
            "r.json: not a valid drill report:\n  timeline.2.kind: Input should be 'drill_started', 'world_up',",
        ),
        (lambda d: d.pop("outcome"), "r.json: not a valid drill report:\n  outcome: Field required"),
        (lambda d: d.update(points="most"), "r.json: not a valid drill report:\n  points: Input should be a valid"),
        (lambda d: d["scenario"].update(severity="P9"), "r.json: not a valid drill report:\n  scenario.severity:"),
        (
            lambda d: d["timeline"][1]["data"].pop("fault"),
            "r.json: not a valid drill report:\n  timeline.1: Value error, fault_injected events need data.fault",
        ),
    ],
)
def test_loads_report_refuses_a_malformed_report(
    recovered_record: DrillRecord, change: Callable[[dict[str, Any]], object], message: str
) -> None:
    with pytest.raises(ReportError) as raised:
        loads_report(_saved(recovered_record, change), "r.json")

    assert str(raised.value).startswith(message)


def test_loads_report_refuses_text_that_is_not_json() -> None:
    with pytest.raises(ReportError) as raised:
        loads_report('{"schema_version": 1,', "r.json")

    assert str(raised.value) == (
        "r.json: not JSON: Expecting property name enclosed in double quotes: line 1 column 22 (char 21)\n" + HINT
    )


def test_loads_report_refuses_json_that_is_not_an_object() -> None:
    with pytest.raises(ReportError) as raised:
        loads_report("[1, 2]", "r.json")

    assert str(raised.value) == "r.json: expected a JSON object, found list\n" + HINT


def test_read_report_names_a_file_that_is_not_there(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere" / "report.json"

    with pytest.raises(ReportError) as raised:
        read_report(missing)

    assert str(raised.value) == (
        f"{missing}: cannot read the report: [Errno 2] No such file or directory: '{missing}'\n"
        "Hint: Give the path of a report.json."
    )


def test_report_error_is_an_input_error_with_exit_code_2(tmp_path: Path) -> None:
    with pytest.raises(ReportError) as raised:
        read_report(tmp_path)

    assert raised.value.exit_code == 2
