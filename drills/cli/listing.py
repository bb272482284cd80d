"""The rows of `drillbit list`, kept in the user's cache while nothing they were read from has changed.

Reading the scenarios imports pydantic and the scenario models and validates every file, about 0.3 s; listing
files that have not changed needs none of it. A folder's entry holds its rows and is used only while every input
is as it was when they were read: the folder's entries (name, size, mtime), each runbook file the scenarios refer
to, the world file they are checked against, drillbit's own code and the libraries that validate (pydantic,
pydantic-core, PyYAML). Only rows read without error are kept, so a mistake is found and reported as before, and an
entry is kept only when every input is older than `SETTLED_NS`, so that a file changed again within the file
system's clock tick cannot pass for unchanged. The cache is ``$XDG_CACHE_HOME/drillbit/list`` (by default
``~/.cache/drillbit/list``; none without a home); one that cannot be read or written only costs the next run its
speed.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import sys
import time
from dataclasses import astuple, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Final

from drills.world.home import user_cache

if TYPE_CHECKING:
    from drills.scenario.model import Scenario

FORMAT: Final = 2
"""The entries' format: an entry of another is not read."""
SETTLED_NS: Final = 2_000_000_000
"""How old every input must be for an entry to be kept."""
CODE: Final = Path(__file__).resolve().parents[1]
"""drillbit's own code: the package's folder."""
VALIDATING_LIBRARIES: Final = ("pydantic", "pydantic_core", "yaml")
WORLD_FILE: Final = CODE / "world" / "docker-compose.yml"
"""The world file the scenarios are checked against (a link to the project's docker-compose.yml)."""

Stat = tuple[str, int, int]
"""A file's path (or name), size and mtime in nanoseconds."""


@dataclass(frozen=True)
class Row:
    """What `drillbit list` shows of a scenario."""

    id: str
    world: str
    severity: str
    faults: tuple[str, ...]
    title: str


def scenario_rows(directory: Path, world_file: Path | None = None) -> list[Row]:
    """Every scenario's row, in file-name order: from the cache while its inputs are unchanged, else read.

    ``world_file`` is the world file the scenarios are checked against (None: drillbit's own)."""
    root = cache_root()
    worlds = (world_file or WORLD_FILE).resolve()
    key = hashlib.sha256(f"{directory.resolve()}\0{worlds}".encode()).hexdigest()
    entry = root / f"{key}.json" if root else None
    cached = _cached(entry, directory, worlds) if entry else None
    if cached is not None:
        return cached
    from drills.scenario.loader import load_all
    from drills.world.worlds import DEFAULT_PRODUCT
    from drills.world.worlds import world_file as read_world_file

    scenarios = load_all(directory, worlds=read_world_file(worlds))
    rows = [
        Row(s.id, s.world.product or DEFAULT_PRODUCT, str(s.severity), tuple(f.kind for f in s.faults), s.title)
        for s in scenarios
    ]
    if entry:
        runbooks = sorted({str(path) for scenario in scenarios for path in runbook_files(scenario)})
        _keep(entry, directory, worlds, runbooks, rows)
    return rows


def cache_root() -> Path | None:
    """The user's cache folder for `drillbit list`, or None when there is none (no absolute home to put it in)."""
    return user_cache("list")


def runbook_files(scenario: Scenario) -> list[Path]:
    """Every runbook file the scenario refers to, wherever in it, resolved."""
    from pydantic import BaseModel

    from drills.language.fields import RunbookRef

    found: list[Path] = []
    parts: list[object] = [scenario]
    while parts:
        part = parts.pop()
        if isinstance(part, RunbookRef) and part.path is not None:
            found.append(part.path.resolve())
        elif isinstance(part, BaseModel):
            parts += [getattr(part, name) for name in type(part).model_fields]
        elif isinstance(part, tuple | list):
            parts += part
        elif isinstance(part, dict):
            parts += part.values()
    return found


def _cached(entry: Path, directory: Path, worlds: Path) -> list[Row] | None:
    try:
        held = json.loads(entry.read_text(encoding="utf-8"))
        if held["format"] != FORMAT:
            return None
        inputs = _inputs(directory, worlds, [str(path) for path in held["runbooks"]])
        if held["inputs"] != _digest(inputs):
            return None
        return [Row(row[0], row[1], row[2], tuple(row[3]), row[4]) for row in held["rows"]]
    except (OSError, ValueError, KeyError, TypeError, IndexError):
        return None


def _keep(entry: Path, directory: Path, worlds: Path, runbooks: list[str], rows: list[Row]) -> None:
    try:
        inputs = _inputs(directory, worlds, runbooks)
        settled = time.time_ns() - SETTLED_NS
        if any(mtime > settled for _, _, mtime in inputs):
            return
        held = {"format": FORMAT, "inputs": _digest(inputs), "runbooks": runbooks, "rows": [astuple(r) for r in rows]}
        entry.parent.mkdir(parents=True, exist_ok=True)
        partial = entry.with_name(f".{entry.name}.{os.getpid()}")
        partial.write_text(json.dumps(held), encoding="utf-8")
        partial.replace(entry)
    except OSError:
        return


def _inputs(directory: Path, worlds: Path, runbooks: list[str]) -> list[Stat]:
    """What the rows were read from: raises OSError when one of them cannot be found."""
    libraries = [importlib.util.find_spec(name) for name in VALIDATING_LIBRARIES]
    return [
        *(_stat(child, child.name) for child in sorted(directory.iterdir())),
        *(_stat(Path(path), path) for path in runbooks),
        *(_stat(path, str(path.relative_to(CODE))) for path in sorted(CODE.rglob("*.py"))),
        _stat(worlds, "world file"),
        *(_stat(Path(spec.origin), spec.name) for spec in libraries if spec is not None and spec.origin),
    ]


def _stat(path: Path, shown: str) -> Stat:
    found = path.stat()
    return (shown, found.st_size, found.st_mtime_ns)


def _digest(inputs: list[Stat]) -> str:
    return hashlib.sha256(json.dumps([sys.version, *inputs]).encode()).hexdigest()
