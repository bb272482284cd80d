"""JUnit XML for CI: one testcase per drill, a failure (or an error) carrying the reasons when it did not pass.

The shape follows the JUnit schema CI servers read (Jenkins' junit-10.xsd, GitLab, GitHub annotations):
`testsuites` > `testsuite` > `testcase` > `failure` | `error`, `system-out`.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence
from typing import Final

from drills.reports.formatting import duration, measured, scale, wall
from drills.scoring.score import Score, score
from drills.timeline import DrillRecord

SUITE: Final = "drillbit"
_DECLARATION: Final = '<?xml version="1.0" encoding="UTF-8"?>\n'


def render_junit(records: Sequence[DrillRecord], suite: str = SUITE) -> str:
    scored = [(record, score(record)) for record in records]
    counts = {
        "tests": str(len(scored)),
        "failures": str(sum(1 for _, result in scored if not result.passed and result.outcome != "error")),
        "errors": str(sum(1 for _, result in scored if result.outcome == "error")),
        "time": f"{sum(_duration(record) for record, _ in scored):.3f}",
    }
    root = ET.Element("testsuites", {"name": suite, **counts})
    attributes = {"name": suite, **counts, "skipped": "0"}
    if records:
        # Schema-valid timestamps carry no zone; ours are UTC.
        attributes["timestamp"] = min(record.started_at for record in records).strftime("%Y-%m-%dT%H:%M:%S")
    testsuite = ET.SubElement(root, "testsuite", attributes)
    for record, result in scored:
        testsuite.append(_testcase(record, result, suite))
    ET.indent(root)
    return _DECLARATION + ET.tostring(root, encoding="unicode") + "\n"


def _duration(record: DrillRecord) -> float:
    """Wall seconds the drill took, from its first event to its last."""
    return record.timeline[-1].at if record.timeline else 0.0


def _testcase(record: DrillRecord, result: Score, suite: str) -> ET.Element:
    testcase = ET.Element(
        "testcase", {"name": record.scenario.id, "classname": suite, "time": f"{_duration(record):.3f}"}
    )
    if not result.passed:
        tag, kind = ("error", "DrillError") if result.outcome == "error" else ("failure", "DrillFailed")
        problem = ET.SubElement(testcase, tag, {"message": result.reasons[0], "type": kind})
        evidence = [f"{i.name} read:\n{i.evidence}" for i in result.invariants if i.evidence and not i.held]
        problem.text = "\n".join([*result.reasons, *evidence])
    ET.SubElement(testcase, "system-out").text = _summary(record, result)
    return testcase


def _summary(record: DrillRecord, result: Score) -> str:
    lines = [
        f"drill {record.drill_id}: {record.scenario.title} ({record.scenario.severity})",
        f"responder {record.responder.name} ({record.responder.kind}), runtime {record.runtime}, "
        f"seed {record.seed}, time scale {scale(record.time_scale)}",
        f"outcome: {result.outcome}, {'passed' if result.passed else 'failed'}",
    ]
    for objective in result.objectives:
        lines.append(
            f"{objective.metric}: {measured(objective.actual_s, objective.resolution_s)} "
            f"({wall(objective.actual_wall_s)} wall), target {duration(objective.target_s)}: {objective.verdict}"
        )
    lines += [f"invariant {invariant.name}: {invariant.status}" for invariant in result.invariants]
    return "\n".join(lines)
