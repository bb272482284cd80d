"""The layer contract: who may import whom, read from every import statement under drills/ and fakes/."""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

Import = tuple[str, int, str]
"""Where an import is (file relative to the repository, line) and the module it names, made absolute."""

# The rooms, lowest floor first. Within a room modules may import each other; a room imports only rooms below it.
FLOORS: dict[str, int] = {
    "drills.errors": 1,
    "drills.clock": 1,
    "drills.world_clock": 1,
    "drills.durations": 1,
    "drills.timeline": 1,
    "drills.severity": 1,
    "drills.scoring": 2,
    "drills.reports": 3,
    "drills.language": 4,
    "drills.world": 5,
    "drills.runtimes": 6,
    "drills.probes": 7,
    "drills.faults": 8,
    "drills.scenario": 9,
    "drills.deploy": 10,
    "drills.engine": 11,
    "drills.play": 12,
    "drills.cli": 13,
    "drills.pytest_plugin": 14,
    "drills": 15,
}
TERMINAL_ROOMS = ("drills.cli", "drills.play", "drills.pytest_plugin")
"""The only rooms that talk to a person: they alone may import rich and typer, and the public API imports none."""
PURE_ROOMS = ("drills.scoring", "drills.reports")
WORLDLY_ROOMS = ("drills.engine", "drills.runtimes", "drills.world")
DOCKER_LIBRARIES = ("docker", "testcontainers", "toxiproxy")
"""The docker runtime's libraries: slow to import, and needed by nothing else."""
DOCKER_RUNTIME = "drills.runtimes.docker"


def _within(module: str, packages: Iterable[str]) -> bool:
    return any(module == package or module.startswith(package + ".") for package in packages)


def room(module: str, floors: dict[str, int]) -> str | None:
    """The longest room name that contains the module, or None for a module outside drills."""
    rooms = [name for name in floors if _within(module, (name,))]
    return max(rooms, key=len, default=None)


def _breaks(importer: str, imported: str, floors: dict[str, int]) -> Iterator[str]:
    if _within(importer, ("drills",)) and _within(imported, ("fakes",)):
        yield "drills talks to fakes over the network, never by import"
    if _within(importer, ("fakes",)) and _within(imported, ("drills",)):
        yield "fakes never import drills"
    if _within(imported, ("rich", "typer")) and not _within(importer, TERMINAL_ROOMS):
        yield "only cli, play and the pytest plugin import rich or typer"
    if _within(importer, PURE_ROOMS) and _within(imported, WORLDLY_ROOMS):
        yield "scoring and reports are pure: no engine, runtime or world"
    if _within(imported, DOCKER_LIBRARIES) and not _within(importer, (DOCKER_RUNTIME,)):
        yield "only the docker runtime imports docker, testcontainers or toxiproxy"
    if importer == "drills" and _within(imported, TERMINAL_ROOMS):
        yield "the public API imports neither cli, play nor the pytest plugin"
    low, high = room(importer, floors), room(imported, floors)
    if low is not None and high is not None and floors[low] < floors[high]:
        yield f"{low} (floor {floors[low]}) imports {high} (floor {floors[high]}), a higher floor"


def violations(imports: Iterable[Import], floors: dict[str, int]) -> list[str]:
    """Every import that breaks a rule, as `file:line imports module: rule`, one line per rule broken."""
    return [
        f"{file}:{line} imports {imported}: {reason}"
        for file, line, imported in imports
        for reason in _breaks(_module_of(file), imported, floors)
    ]


def _module_of(file: str) -> str:
    parts = list(Path(file).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _package_of(file: str) -> str:
    module = _module_of(file)
    return module if file.endswith("__init__.py") else module.rpartition(".")[0]


def _is_module(name: str) -> bool:
    path = ROOT.joinpath(*name.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def _imported_modules(node: ast.Import | ast.ImportFrom, file: str) -> Iterator[str]:
    if isinstance(node, ast.Import):
        yield from (alias.name for alias in node.names)
        return
    base = node.module or ""
    if node.level:
        package = _package_of(file).split(".")
        anchor = ".".join(package[: len(package) - node.level + 1])
        base = f"{anchor}.{base}" if base else anchor
    # `from package import name` imports the submodule when `name` is one, else the package itself.
    for alias in node.names:
        submodule = f"{base}.{alias.name}"
        yield submodule if _is_module(submodule) else base


def imports_under(*folders: str) -> list[Import]:
    """Every import statement in every .py under the folders, at module level or inside a function."""
    found: list[Import] = []
    for folder in folders:
        for path in sorted((ROOT / folder).rglob("*.py")):
            file = path.relative_to(ROOT).as_posix()
            for node in ast.walk(ast.parse(path.read_text(), filename=file)):
                if isinstance(node, ast.Import | ast.ImportFrom):
                    found += [(file, node.lineno, name) for name in dict.fromkeys(_imported_modules(node, file))]
    return found


def test_layers_hold_in_drills_and_fakes() -> None:
    broken = violations(imports_under("drills", "fakes"), FLOORS)

    assert broken == [], "\n".join(broken)


def test_layers_name_each_import_that_breaks_a_rule() -> None:
    made_up = [
        ("drills/engine/runner.py", 3, "fakes.kit.clock"),
        ("fakes/reports/main.py", 4, "drills.timeline"),
        ("drills/world/env.py", 5, "rich.table"),
        ("fakes/toxiproxy/cli.py", 6, "typer"),
        ("drills/reports/markdown.py", 7, "drills.runtimes.local.registry"),
        ("drills/__init__.py", 8, "drills.play.hints"),
        ("drills/scoring/score.py", 9, "drills.scenario.model"),
        ("drills/cli/tables.py", 10, "rich.table"),
        ("drills/scenario/checks.py", 11, "drills.language.runbook"),
        ("drills/__init__.py", 12, "drills.engine.runner"),
        ("drills/errors.py", 13, "pydantic"),
        ("drills/timeline.py", 14, "drills.errors"),
        ("drills/world/env.py", 15, "drills"),
        ("drills/cli/doctor.py", 16, "testcontainers.core.docker_client"),
        ("drills/runtimes/local/world.py", 17, "docker.errors"),
        ("drills/runtimes/docker/proxies.py", 18, "toxiproxy.server"),
    ]

    assert violations(made_up, FLOORS) == [
        "drills/engine/runner.py:3 imports fakes.kit.clock: drills talks to fakes over the network, never by import",
        "fakes/reports/main.py:4 imports drills.timeline: fakes never import drills",
        "drills/world/env.py:5 imports rich.table: only cli, play and the pytest plugin import rich or typer",
        "fakes/toxiproxy/cli.py:6 imports typer: only cli, play and the pytest plugin import rich or typer",
        "drills/reports/markdown.py:7 imports drills.runtimes.local.registry:"
        " scoring and reports are pure: no engine, runtime or world",
        "drills/reports/markdown.py:7 imports drills.runtimes.local.registry:"
        " drills.reports (floor 3) imports drills.runtimes (floor 6), a higher floor",
        "drills/__init__.py:8 imports drills.play.hints:"
        " the public API imports neither cli, play nor the pytest plugin",
        "drills/scoring/score.py:9 imports drills.scenario.model:"
        " drills.scoring (floor 2) imports drills.scenario (floor 9), a higher floor",
        "drills/world/env.py:15 imports drills: drills.world (floor 5) imports drills (floor 15), a higher floor",
        "drills/cli/doctor.py:16 imports testcontainers.core.docker_client:"
        " only the docker runtime imports docker, testcontainers or toxiproxy",
        "drills/runtimes/local/world.py:17 imports docker.errors:"
        " only the docker runtime imports docker, testcontainers or toxiproxy",
    ]
