"""A command imports only what it runs. None of `drillbit --help`, `list` and `world status` imports the engine,
play, the deploy server, the local runtime, the servers' or the docker runtime's libraries or another command's
module; `--help` and `world status` leave pydantic unimported, and `list` of scenarios unchanged since the last list
leaves pydantic, the scenario models and YAML unimported. (How long they take is the bench's business:
bench/cli_start.py.)"""

from __future__ import annotations

import importlib
import inspect
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.core import TyperGroup

from drills.cli import lazy
from tests.drills.cli.cli_runs import ROOT, SCENARIOS

HEAVY = (
    "docker",
    "drills.deploy.server",
    "drills.engine.runner",
    "drills.play.command",
    "drills.runtimes.local.runtime",
    "psycopg",
    "redis",
    "starlette",
    "testcontainers",
    "toxiproxy",
    "uvicorn",
)
"""What no command of the three imports."""
RUNNING_ONLY = ("drills.deploy.client", "drills.reports", "drills.scenario.loader", "httpx", "jinja2", "pydantic")
"""What importing the CLI does not import either: a command that needs one imports it when it runs."""
PYDANTIC = ("pydantic", "typer._adapters")
"""What typer imports to coerce a value with pydantic, which a command of plain parameters does not need."""
SCENARIO = ("drills.scenario.loader", "drills.scenario.model", "yaml")
"""What reading scenario files imports, which listing unchanged ones does not need."""
DEPLOY_SIDE = ("drills.deploy.actions", "drills.reports", "drills.world.context", "jinja2")
"""What the deploy server's side needs, which its client does not."""
HELP_FORMATTER = ("markdown_it", "pygments", "rich.traceback", "typer.rich_utils")
"""What typer's help formatter imports, which the top-level page, drawn by `drills.cli.help_page`, does not need."""
COMMAND_MODULES = tuple(sorted({command.module for command in lazy.COMMANDS.values()}))
"""The modules of the lazy commands: `drillbit --help` imports none of them."""
RUN_COMMAND = """
import json, sys
from drills.cli.app import main
sys.argv = ["drillbit", *sys.argv[1:]]
try:
    main()
except SystemExit:
    pass
print(json.dumps(sorted(sys.modules)), file=sys.stderr)
"""


def imported(code: str, *args: str, home: Path | None = None) -> set[str]:
    """The modules a fresh interpreter holds after running ``code`` with ``args``."""
    env = {"DRILLBIT_HOME": str(home)} if home else {}
    done = subprocess.run(
        [sys.executable, "-c", code, *args],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return set(json.loads(done.stderr.splitlines()[-1]))


def settled_copy(directory: Path) -> Path:
    """The shipped scenarios copied into ``directory``, last changed well before now, as a person's files are."""
    copied = shutil.copytree(SCENARIOS, directory / "scenarios")
    before = time.time() - 10
    for path in [copied, *copied.rglob("*")]:
        os.utime(path, (before, before))
    return copied


def test_cli_import_leaves_every_command_s_modules_unimported() -> None:
    modules = imported("import json, sys, drills.cli.app; print(json.dumps(sorted(sys.modules)), file=sys.stderr)")
    assert sorted(modules.intersection(HEAVY + RUNNING_ONLY)) == []


def test_cli_help_imports_no_command_s_module_nor_pydantic() -> None:
    modules = imported(RUN_COMMAND, "--help")
    assert sorted(modules.intersection(HEAVY + RUNNING_ONLY + PYDANTIC + COMMAND_MODULES + HELP_FORMATTER)) == []


def test_cli_list_reads_with_the_scenario_loader_and_no_other_command(tmp_path: Path) -> None:
    modules = imported(RUN_COMMAND, "list", "--scenarios", str(settled_copy(tmp_path)))
    assert sorted(modules.intersection(HEAVY + COMMAND_MODULES)) == ["drills.cli.drill"]
    assert "drills.scenario.loader" in modules


def test_cli_list_of_unchanged_scenarios_leaves_pydantic_and_the_scenario_models_unimported(tmp_path: Path) -> None:
    scenarios = settled_copy(tmp_path)
    imported(RUN_COMMAND, "list", "--scenarios", str(scenarios))
    modules = imported(RUN_COMMAND, "list", "--scenarios", str(scenarios))
    assert sorted(modules.intersection(HEAVY + COMMAND_MODULES + PYDANTIC + SCENARIO)) == ["drills.cli.drill"]


@pytest.mark.parametrize("options", [[], ["--world", "name"]])
def test_cli_world_status_with_no_world_answers_before_importing_the_http_client(
    tmp_path: Path, options: list[str]
) -> None:
    modules = imported(RUN_COMMAND, "world", "status", *options, home=tmp_path)
    shunned = HEAVY + COMMAND_MODULES + PYDANTIC + SCENARIO + DEPLOY_SIDE + ("drills.deploy.client", "httpx")
    assert sorted(modules.intersection(shunned)) == ["drills.cli.world"]
    assert "drills.deploy.session" in modules


@pytest.mark.parametrize("name", sorted(lazy.COMMANDS))
def test_cli_lazy_command_is_listed_with_the_help_of_the_command_that_runs(name: str) -> None:
    # The listing shows a command's first paragraph; the rest is for the command's own --help.
    assert (lazy.real_command(name).help or "").split("\n\n")[0] == lazy.COMMANDS[name].help


@pytest.mark.parametrize("name", sorted(name for name in lazy.COMMANDS if name != "world"))
def test_cli_lazy_command_is_built_from_its_module_s_function(name: str) -> None:
    found = lazy.COMMANDS[name]
    parameters = inspect.signature(getattr(importlib.import_module(found.module), found.attribute)).parameters
    command = lazy.real_command(name)
    assert (command.name, [param.name for param in command.params]) == (name, list(parameters))


def test_cli_lazy_world_is_the_deploy_tool_s_group() -> None:
    group = lazy.real_command("world")
    assert isinstance(group, TyperGroup)
    assert list(group.commands) == ["status", "show", "set", "unset", "restart", "logs", "backup", "backups", "restore"]
