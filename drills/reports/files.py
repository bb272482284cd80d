"""Where a drill's reports go on disk, and rebuilding them later from report.json alone."""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Final, Self

from drills.reports.json_report import REPORT_JSON, dumps_report, read_report
from drills.reports.junit import render_junit
from drills.reports.markdown import render_markdown
from drills.reports.redaction import Redactor
from drills.timeline import DrillRecord

REPORT_MD: Final = "report.md"
JUNIT_XML: Final = "junit.xml"
_UNSAFE: Final = re.compile(r"[^A-Za-z0-9._-]+")
_MAX_SAME_NAME: Final = 100


@dataclass(frozen=True)
class ReportPaths:
    """The files one drill's reports were written to."""

    directory: Path
    json: Path
    markdown: Path
    junit: Path

    @classmethod
    def inside(cls, directory: Path) -> Self:
        return cls(directory, directory / REPORT_JSON, directory / REPORT_MD, directory / JUNIT_XML)


def directory_name(record: DrillRecord) -> str:
    """`<start time in UTC>-<scenario id>`, which sorts in the order drills ran."""
    scenario = _UNSAFE.sub("-", record.scenario.id).strip(".-") or "scenario"
    return f"{record.started_at:%Y%m%dT%H%M%SZ}-{scenario}"


def write_reports(record: DrillRecord, directory: Path | str, secrets: Iterable[str] = ()) -> ReportPaths:
    """report.json, report.md and junit.xml in a new directory under `directory`, every secret masked."""
    redactor = Redactor(secrets)
    clean = redactor.record(record)
    paths = ReportPaths.inside(_new_directory(Path(directory), directory_name(clean)))
    _write(paths.json, dumps_report(clean))
    _write_rendered(paths, clean, redactor)
    return paths


def render_again(report_json: Path | str, secrets: Iterable[str] = ()) -> ReportPaths:
    """Rebuild report.md and junit.xml next to a saved report.json, from that file alone."""
    saved = Path(report_json)
    redactor = Redactor(secrets)
    clean = redactor.record(read_report(saved))
    inside = ReportPaths.inside(saved.parent)
    paths = ReportPaths(inside.directory, saved, inside.markdown, inside.junit)
    _write_rendered(paths, clean, redactor)
    return paths


def _write_rendered(paths: ReportPaths, record: DrillRecord, redactor: Redactor) -> None:
    # The record is already masked; the text pass also catches a secret the template itself put together.
    # XML gets no text pass: masking inside markup could break the document, and its text all comes from the record.
    _write(paths.markdown, redactor.text(render_markdown(record)))
    _write(paths.junit, render_junit([record]))


def _new_directory(parent: Path, name: str) -> Path:
    """A directory no other drill wrote to: two drills of one scenario can start in the same second."""
    for attempt in range(1, _MAX_SAME_NAME + 1):
        candidate = parent / (name if attempt == 1 else f"{name}-{attempt}")
        try:
            candidate.mkdir(parents=True)
        except FileExistsError:
            continue
        return candidate
    raise FileExistsError(f"{parent}: {_MAX_SAME_NAME} report directories named {name} already exist")


def _write(path: Path, text: str) -> None:
    """Write whole or not at all: a half-written report.json would fail every later `drillbit report`."""
    partial = path.with_name(f".{path.name}.partial")
    partial.write_text(text, encoding="utf-8", newline="\n")
    os.replace(partial, path)
