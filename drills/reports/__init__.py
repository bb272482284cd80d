"""A drill's reports: report.json, report.md and JUnit XML, each a pure function of the saved record."""

from drills.reports.files import ReportPaths, directory_name, render_again, write_reports
from drills.reports.json_report import dumps_report, loads_report, read_report, report_document
from drills.reports.junit import render_junit
from drills.reports.markdown import render_markdown
from drills.reports.redaction import MASK, SECRET_WORDS, KnownSecrets, Redactor, is_secret_name

__all__ = [
    "MASK",
    "SECRET_WORDS",
    "KnownSecrets",
    "Redactor",
    "ReportPaths",
    "directory_name",
    "dumps_report",
    "is_secret_name",
    "loads_report",
    "read_report",
    "render_again",
    "render_junit",
    "render_markdown",
    "report_document",
    "write_reports",
]
