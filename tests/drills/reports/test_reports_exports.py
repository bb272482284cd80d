import drills.reports


def test_reports_exports_its_public_api_sorted() -> None:
    assert drills.reports.__all__ == [
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


def test_reports_exports_only_names_it_defines() -> None:
    assert [name for name in drills.reports.__all__ if not hasattr(drills.reports, name)] == []
