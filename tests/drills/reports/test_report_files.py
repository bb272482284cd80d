from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from drills.errors import ReportError
from drills.reports import Redactor, ReportPaths, directory_name, read_report, render_again, write_reports
from drills.timeline import DrillRecord


def test_write_reports_writes_three_files_in_a_directory_named_after_the_drill(
    tmp_path: Path, recovered_record: DrillRecord
) -> None:
    paths = write_reports(recovered_record, tmp_path / "reports", secrets=())
    directory = tmp_path / "reports" / "20240501T100000Z-oauth-refresh-failing"

    assert (paths, sorted(path.name for path in directory.iterdir())) == (
        ReportPaths(directory, directory / "report.json", directory / "report.md", directory / "junit.xml"),
        ["junit.xml", "report.json", "report.md"],
    )


def test_write_reports_never_writes_a_secret(
    tmp_path: Path, leaky_record: DrillRecord, secrets: tuple[str, ...]
) -> None:
    paths = write_reports(leaky_record, tmp_path, secrets)
    texts = {path.name: path.read_text(encoding="utf-8") for path in paths.directory.iterdir()}
    forms = [*secrets, "s3cr3t-client-secret%21", "eyJhbGciOi"]

    assert {name: [form for form in forms if form in text] for name, text in texts.items()} == {
        "report.json": [],
        "report.md": [],
        "junit.xml": [],
    }
    assert {name: "***" in text for name, text in texts.items()} == {
        "report.json": True,
        "report.md": True,
        "junit.xml": True,
    }


def test_write_reports_saves_the_masked_record(
    tmp_path: Path, leaky_record: DrillRecord, secrets: tuple[str, ...]
) -> None:
    paths = write_reports(leaky_record, tmp_path, secrets)

    assert read_report(paths.json) == Redactor(secrets).record(leaky_record)


def test_write_reports_gives_a_second_drill_in_the_same_second_its_own_directory(
    tmp_path: Path, recovered_record: DrillRecord, failed_record: DrillRecord
) -> None:
    first = write_reports(recovered_record, tmp_path, ())
    second = write_reports(failed_record, tmp_path, ())

    assert (first.directory.name, second.directory.name) == (
        "20240501T100000Z-oauth-refresh-failing",
        "20240501T100000Z-oauth-refresh-failing-2",
    )
    assert (read_report(first.json).drill_id, read_report(second.json).drill_id) == ("d-1", "d-2")


def test_write_reports_leaves_no_partial_file(tmp_path: Path, recovered_record: DrillRecord) -> None:
    paths = write_reports(recovered_record, tmp_path, ())

    assert sorted(path.name for path in paths.directory.iterdir() if path.name.startswith(".")) == []


def test_render_again_reproduces_identical_reports(
    tmp_path: Path, leaky_record: DrillRecord, secrets: tuple[str, ...]
) -> None:
    paths = write_reports(leaky_record, tmp_path, secrets)
    originals = (paths.markdown.read_bytes(), paths.junit.read_bytes())
    paths.markdown.unlink()
    paths.junit.unlink()

    again = render_again(paths.json)

    assert (again, again.markdown.read_bytes(), again.junit.read_bytes()) == (paths, *originals)


def test_render_again_needs_only_report_json(tmp_path: Path, failed_record: DrillRecord) -> None:
    paths = write_reports(failed_record, tmp_path / "first", ())
    elsewhere = tmp_path / "copy" / "saved.json"
    elsewhere.parent.mkdir()
    shutil.copy(paths.json, elsewhere)

    again = render_again(elsewhere)

    assert (again.json, again.markdown.read_text(encoding="utf-8"), again.junit.read_text(encoding="utf-8")) == (
        elsewhere,
        paths.markdown.read_text(encoding="utf-8"),
        paths.junit.read_text(encoding="utf-8"),
    )


def test_render_again_refuses_a_malformed_report(tmp_path: Path) -> None:
    broken = tmp_path / "report.json"
    broken.write_text('{"schema_version": 1, "drill_id": "x"}', encoding="utf-8")

    with pytest.raises(ReportError, match=r"report.json: not a valid drill report:\n  outcome: Field required"):
        render_again(broken)
    assert sorted(path.name for path in tmp_path.iterdir()) == ["report.json"]


@pytest.mark.parametrize(
    ("scenario_id", "name"),
    [
        ("oauth-refresh-failing", "20240501T100000Z-oauth-refresh-failing"),
        ("../../etc/passwd", "20240501T100000Z-etc-passwd"),
        ("pool exhausted/v2", "20240501T100000Z-pool-exhausted-v2"),
        ("...", "20240501T100000Z-scenario"),
    ],
)
def test_directory_name_keeps_the_report_inside_its_directory(
    make_record: Callable[..., DrillRecord], scenario_id: str, name: str
) -> None:
    record = make_record()
    record = record.model_copy(update={"scenario": record.scenario.model_copy(update={"id": scenario_id})})

    assert directory_name(record) == name
