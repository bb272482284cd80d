"""What several commands take alike: the scenario folder, and report folders or files given on the command line."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from drills.errors import InputError

ScenarioDir = Annotated[Path, typer.Option("--scenarios", help="The folder of scenario files.")]
DEFAULT_SCENARIOS = Path("scenarios")


def report_files(given: Path) -> list[Path]:
    """The report.json files a command-line argument names: the file itself, or every one under a folder."""
    if given.is_file():
        return [given]
    if not given.is_dir():
        raise InputError(f"{given}: no such report folder or report.json")
    return sorted(given.rglob("report.json"))
