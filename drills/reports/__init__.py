"""A drill's reports: report.json, report.md and JUnit XML, each a pure function of the saved record; and runbook
coverage (coverage.md, coverage.json), a pure function of many records and the parsed runbooks."""

from drills.reports.coverage import Coverage, RunbookFile, dumps_coverage, runbook_coverage
from drills.reports.coverage_markdown import render_coverage
from drills.reports.files import ReportPaths, directory_name, render_again, write_reports
from drills.reports.json_report import dumps_report, loads_report, read_report, report_document
from drills.reports.junit import render_junit
from drills.reports.markdown import render_markdown
from drills.reports.redaction import MASK, SECRET_WORDS, KnownSecrets, Redactor, is_secret_name

__all__ = [
    "MASK",
    "SECRET_WORDS",
    "Coverage",
    "KnownSecrets",
    "Redactor",
    "ReportPaths",
    "RunbookFile",
    "directory_name",
    "dumps_coverage",
    "dumps_report",
    "is_secret_name",
    "loads_report",
    "read_report",
    "render_again",
    "render_coverage",
    "render_junit",
    "render_markdown",
    "report_document",
    "runbook_coverage",
    "write_reports",
]
