import drills.reports


def test_reports_exports_its_public_api_sorted() -> None:
    assert drills.reports.__all__ == [
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


def test_reports_exports_only_names_it_defines() -> None:
    assert [name for name in drills.reports.__all__ if not hasattr(drills.reports, name)] == []
