"""JUnit XML, checked against the rules of the JUnit schema CI servers read (Jenkins' junit-10.xsd)."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Callable

from drills.reports import render_junit
from drills.timeline import DrillRecord, Event, EventKind

# Allowed attributes per element, and which are required, from junit-10.xsd.
ATTRIBUTES = {
    "testsuites": ({"name", "time", "tests", "failures", "disabled", "errors"}, set()),
    "testsuite": (
        {
            "name",
            "tests",
            "failures",
            "errors",
            "time",
            "disabled",
            "skipped",
            "timestamp",
            "hostname",
            "id",
            "package",
        },
        {"name", "tests"},
    ),
    "testcase": ({"name", "assertions", "time", "classname", "status"}, {"name"}),
    "failure": ({"message", "type"}, set()),
    "error": ({"message", "type"}, set()),
    "system-out": (set(), set()),
}
CHILDREN = {"testsuites": ["testsuite"], "testsuite": ["testcase"]}
TESTCASE_ORDER = ["skipped", "error", "failure", "system-out", "system-err"]
NUMBER = re.compile(r"\d+")
DECIMAL = re.compile(r"\d+(\.\d+)?")
TIMESTAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d")


def schema_problems(element: ET.Element) -> list[str]:
    allowed, required = ATTRIBUTES[element.tag]
    problems = [f"{element.tag}: unknown attribute {name}" for name in set(element.attrib) - allowed]
    problems += [f"{element.tag}: missing attribute {name}" for name in required - set(element.attrib)]
    for name, value in element.attrib.items():
        pattern = {"tests": NUMBER, "failures": NUMBER, "errors": NUMBER, "skipped": NUMBER, "time": DECIMAL}.get(
            name, TIMESTAMP if name == "timestamp" else None
        )
        if pattern is not None and not pattern.fullmatch(value):
            problems.append(f"{element.tag}: {name}={value!r} is not valid")
    tags = [child.tag for child in element]
    if element.tag in CHILDREN and set(tags) - set(CHILDREN[element.tag]):
        problems.append(f"{element.tag}: unexpected children {tags}")
    if element.tag == "testcase" and tags != sorted(tags, key=TESTCASE_ORDER.index):
        problems.append(f"testcase: children out of order {tags}")
    for child in element:
        problems += schema_problems(child)
    return problems


def test_render_junit_fits_the_junit_schema(recovered_record: DrillRecord, failed_record: DrillRecord) -> None:
    text = render_junit([recovered_record, failed_record])

    assert (text.splitlines()[0], schema_problems(ET.fromstring(text))) == (
        '<?xml version="1.0" encoding="UTF-8"?>',
        [],
    )


def test_render_junit_counts_tests_and_failures(recovered_record: DrillRecord, failed_record: DrillRecord) -> None:
    root = ET.fromstring(render_junit([recovered_record, failed_record]))

    assert (root.attrib, root[0].attrib) == (
        {"name": "drillbit", "tests": "2", "failures": "1", "errors": "0", "time": "157.000"},
        {
            "name": "drillbit",
            "tests": "2",
            "failures": "1",
            "errors": "0",
            "time": "157.000",
            "skipped": "0",
            "timestamp": "2024-05-01T10:00:00",
        },
    )


def test_render_junit_one_testcase_per_drill_without_failure_when_passed(recovered_record: DrillRecord) -> None:
    testcase = ET.fromstring(render_junit([recovered_record]))[0][0]

    assert (testcase.attrib, [child.tag for child in testcase]) == (
        {"name": "oauth-refresh-failing", "classname": "drillbit", "time": "75.000"},
        ["system-out"],
    )


def test_render_junit_failure_carries_the_reasons(failed_record: DrillRecord) -> None:
    failure = ET.fromstring(render_junit([failed_record]))[0][0].find("failure")

    assert failure is not None
    assert (failure.attrib, (failure.text or "").splitlines()) == (
        {"message": "the system did not recover before the drill ended", "type": "DrillFailed"},
        [
            "the system did not recover before the drill ended",
            "time to detect objective missed: 7m ± 6s against a target of 5m",
            "time to acknowledge objective missed: it never happened (target 15m)",
            "time to recover objective missed: it never happened (target 1h)",
            "invariant 'no-lost-timesheets' broke: 3 missing",
        ],
    )


def test_render_junit_error_when_the_drill_stopped_on_an_error(
    make_record: Callable[..., DrillRecord], make_event: Callable[..., Event]
) -> None:
    record = make_record(make_event(2, EventKind.DRILL_ERROR, "runner", "redis did not start"))
    root = ET.fromstring(render_junit([record]))
    testcase = root[0][0]

    assert (root.attrib["errors"], root.attrib["failures"], [child.tag for child in testcase]) == (
        "1",
        "0",
        ["error", "system-out"],
    )
    assert testcase[0].attrib == {
        "message": "the drill stopped on an error: redis did not start",
        "type": "DrillError",
    }


def test_render_junit_system_out_summarises_the_drill(recovered_record: DrillRecord) -> None:
    out = ET.fromstring(render_junit([recovered_record]))[0][0].find("system-out")

    assert out is not None
    assert (out.text or "").splitlines() == [
        "drill d-1: OAuth refresh failing (P1)",
        "responder runner (auto), runtime local, seed 7, time scale 60",
        "outcome: recovered, passed",
        "time_to_detect: 4m ± 6s (4.000 s wall), target 5m: met",
        "time_to_acknowledge: 10m ± 6s (10.000 s wall), target 15m: met",
        "time_to_recover: 40m ± 6s (40.000 s wall), target 1h: met",
        "invariant no-lost-timesheets: held",
    ]


def test_render_junit_of_no_drills_is_an_empty_valid_suite() -> None:
    root = ET.fromstring(render_junit([]))

    assert (schema_problems(root), root[0].attrib) == (
        [],
        {"name": "drillbit", "tests": "0", "failures": "0", "errors": "0", "time": "0.000", "skipped": "0"},
    )


def test_render_junit_escapes_markup_in_messages(
    make_record: Callable[..., DrillRecord], make_event: Callable[..., Event]
) -> None:
    record = make_record(make_event(2, EventKind.DRILL_ABORTED, "runner", 'stopped <by> "ana" & co'))
    failure = ET.fromstring(render_junit([record]))[0][0].find("failure")

    assert failure is not None
    assert failure.attrib["message"] == 'the drill was aborted: stopped <by> "ana" & co'


def test_schema_problems_finds_what_the_schema_forbids() -> None:
    bad = ET.fromstring(
        '<testsuites><testsuite tests="x"><testcase><system-out/><failure reason="?"/></testcase></testsuite>'
        "</testsuites>"
    )

    assert schema_problems(bad) == [
        "testsuite: missing attribute name",
        "testsuite: tests='x' is not valid",
        "testcase: missing attribute name",
        "testcase: children out of order ['system-out', 'failure']",
        "failure: unknown attribute reason",
    ]
