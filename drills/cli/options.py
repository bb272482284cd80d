"""What several commands take alike: the scenario folder, the world file, and report folders or files."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from drills.errors import InputError

if TYPE_CHECKING:
    from drills.world.world_services import WorldFile

ScenarioDir = Annotated[Path, typer.Option("--scenarios", help="The folder of scenario files.")]
DEFAULT_SCENARIOS = Path("scenarios")
WorldFilePath = Annotated[
    Path | None,
    typer.Option(
        "--world-file",
        help="A world file of your own: Compose with drillbit's x-drillbit extension (default: drillbit's own).",
    ),
]


RuntimeName = Annotated[
    str | None, typer.Option("--runtime", help="local or docker (default: $DRILLBIT_RUNTIME, else local).")
]


def read_worlds(path: Path | None) -> WorldFile | None:
    """The world file given on the command line, checked; None: drillbit's own, read where it is needed."""
    if path is None:
        return None
    from drills.world.worlds import world_file

    return world_file(path)


def report_files(given: Path) -> list[Path]:
    """The report.json files a command-line argument names: the file itself, or every one under a folder."""
    if given.is_file():
        return [given]
    if not given.is_dir():
        raise InputError(f"{given}: no such report folder or report.json")
    return sorted(given.rglob("report.json"))
