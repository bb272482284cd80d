"""`drillbit list`'s rows come from the cache only while nothing they were read from has changed."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from drills.cli import listing
from drills.cli.listing import Row, scenario_rows
from drills.errors import ScenarioError
from drills.scenario import loader
from drills.scenario.model import Scenario
from tests.drills.cli.cli_runs import scenario_copy

CRON = Row(
    "cron-secret-mismatch",
    "scheduled-reports",
    "P2",
    ("config",),
    "The scheduler's shared secret does not match the app's",
)
SETTLED_SECONDS = 10


def settle(*paths: Path) -> None:
    """Every file under ``paths`` was last changed well before now, as files are when a person lists them."""
    before = time.time() - SETTLED_SECONDS
    for path in paths:
        for found in [path, *path.rglob("*")]:
            os.utime(found, (before, before))


def entries() -> list[Path]:
    root = listing.cache_root()
    assert root is not None
    return list(root.glob("*"))


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Each folder the scenarios were read from, in order."""
    read: list[Path] = []
    load_all: Callable[..., list[Scenario]] = loader.load_all

    def counted(directory: Path, **options: Any) -> list[Scenario]:
        read.append(directory)
        return load_all(directory, **options)

    monkeypatch.setattr(loader, "load_all", counted)
    return read


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    copied = scenario_copy(tmp_path / "scenarios")
    settle(copied)
    return copied


def test_listing_answers_from_the_cache_what_reading_answered(folder: Path, reads: list[Path]) -> None:
    rows = [scenario_rows(folder), scenario_rows(folder)]
    assert (rows, reads) == ([[CRON], [CRON]], [folder])


def test_listing_reads_again_after_a_scenario_file_changes(folder: Path, reads: list[Path]) -> None:
    scenario_rows(folder)
    scenario = folder / "cron-secret-mismatch.yaml"
    scenario.write_text(scenario.read_text().replace(f"title: {CRON.title}", "title: A new title"))
    settle(scenario)
    assert (scenario_rows(folder), reads) == (
        [Row(CRON.id, CRON.world, CRON.severity, CRON.faults, "A new title")],
        [folder] * 2,
    )


def test_listing_reads_again_after_a_file_is_added(folder: Path, reads: list[Path]) -> None:
    scenario_rows(folder)
    (folder / "cron-copy.yaml").write_text(
        (folder / "cron-secret-mismatch.yaml").read_text().replace(f"id: {CRON.id}", "id: cron-copy")
    )
    settle(folder / "cron-copy.yaml")
    assert ([row.id for row in scenario_rows(folder)], reads) == (["cron-copy", CRON.id], [folder] * 2)


def test_listing_reads_again_after_a_runbook_changes(folder: Path, reads: list[Path]) -> None:
    scenario_rows(folder)
    runbook = folder / "runbooks" / "reports.md"
    runbook.write_text(runbook.read_text().replace("## cron-secret-mismatch", "## renamed"))
    settle(runbook)
    with pytest.raises(ScenarioError, match="has no section #cron-secret-mismatch"):
        scenario_rows(folder)


def test_listing_reads_again_after_drillbit_s_code_changes(
    folder: Path, reads: list[Path], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    code = tmp_path / "drills"
    code.mkdir()
    (code / "__init__.py").write_text("")
    settle(code)
    monkeypatch.setattr(listing, "CODE", code)
    scenario_rows(folder)
    (code / "rule.py").write_text("")
    settle(code / "rule.py")
    assert (scenario_rows(folder), reads) == ([CRON], [folder] * 2)


def test_listing_keeps_no_rows_of_a_folder_with_a_mistake(folder: Path, reads: list[Path]) -> None:
    scenario_copy(folder, severity="P9")
    settle(folder / "cron-secret-mismatch.yaml")
    for _ in range(2):
        with pytest.raises(ScenarioError, match="severity"):
            scenario_rows(folder)
    assert (reads, entries()) == ([folder] * 2, [])


def test_listing_keeps_no_entry_while_a_file_may_still_change_within_the_clock_s_tick(
    folder: Path, reads: list[Path]
) -> None:
    (folder / "cron-secret-mismatch.yaml").touch()
    rows = [scenario_rows(folder), scenario_rows(folder)]
    assert (rows, reads, entries()) == ([[CRON], [CRON]], [folder] * 2, [])


def test_listing_of_an_unwritable_cache_reads_every_time(
    folder: Path, reads: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", os.devnull)
    rows = [scenario_rows(folder), scenario_rows(folder)]
    assert (rows, reads) == ([[CRON], [CRON]], [folder] * 2)


def test_listing_keeps_its_cache_in_the_home_s_cache_folder_unless_an_absolute_one_is_given(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    roots = []
    for given in (str(tmp_path / "xdg"), "relative", ""):
        monkeypatch.setenv("XDG_CACHE_HOME", given)
        roots.append(listing.cache_root())
    expected = [tmp_path / "xdg/drillbit/list", tmp_path / ".cache/drillbit/list", tmp_path / ".cache/drillbit/list"]
    assert roots == expected


def test_listing_without_a_home_reads_every_time(
    folder: Path, reads: list[Path], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setattr(os.path, "expanduser", lambda path: path)  # as where no home can be found
    monkeypatch.chdir(tmp_path)
    rows = [scenario_rows(folder), scenario_rows(folder)]
    left = sorted(path.name for path in tmp_path.iterdir())
    assert (rows, reads, left) == ([[CRON], [CRON]], [folder] * 2, ["scenarios"])
