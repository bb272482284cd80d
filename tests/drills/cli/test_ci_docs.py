"""docs/ci.md: every `drillbit` command of its CI examples names a command and options that exist.

Each command is parsed by drillbit's own command line (the app's click group), not run; a CI variable in it is
replaced by a sample value first, and a ``--shard`` value must be K/N.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from typer.main import get_command

from drills.cli.app import app
from drills.engine.batch import Shard
from tests.drills.cli.cli_runs import ROOT

DOC = ROOT / "docs" / "ci.md"
SAMPLES = {"matrix.shard": "1", "CI_NODE_INDEX": "1", "CI_NODE_TOTAL": "4"}
"""The value each CI variable of the examples stands for while a command is parsed."""
SCRIPT_KEYS = ("run", "script", "before_script", "after_script")
_YAML_BLOCK = re.compile(r"^```yaml\n(.*?)^```$", re.MULTILINE | re.DOTALL)
_VARIABLE = re.compile(r"\$\{\{\s*([\w.-]+)\s*\}\}|\$\{(\w+)\}|\$(\w+)")
_OPERATORS = frozenset({"|", "||", "&&", ";", "&", ">", ">>", "<", "2>", "2>&1"})


def examples() -> list[object]:
    """Every YAML block of docs/ci.md, parsed."""
    return [yaml.safe_load(block) for block in _YAML_BLOCK.findall(DOC.read_text(encoding="utf-8"))]


def scripts(node: object) -> Iterator[str]:
    """Every shell script in a workflow: the values of its run/script keys, at any depth."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key in SCRIPT_KEYS:
                yield from [value] if isinstance(value, str) else value
            else:
                yield from scripts(value)
    elif isinstance(node, list):
        for item in node:
            yield from scripts(item)


def words(line: str) -> list[str]:
    """A shell line's words up to its first operator (``||``, ``>``, ...)."""
    lexer = shlex.shlex(line, posix=True, punctuation_chars=True)
    lexer.whitespace_split = True
    found = []
    for word in lexer:
        if word in _OPERATORS:
            break
        found.append(word)
    return found


def with_samples(line: str) -> str:
    def sample(match: re.Match[str]) -> str:
        name = next(group for group in match.groups() if group)
        if name not in SAMPLES:
            raise KeyError(f"{line!r} uses {name}: give it a sample value in SAMPLES")
        return SAMPLES[name]

    return _VARIABLE.sub(sample, line)


def drillbit_commands(example: object) -> list[list[str]]:
    """The arguments of every `drillbit` command line in an example, its CI variables replaced by samples."""
    commands = []
    for script in scripts(example):
        for line in script.splitlines():
            if words(line)[:1] and Path(words(line)[0]).name == "drillbit":
                commands.append(words(with_samples(line))[1:])
    return commands


def parse(arguments: list[str]) -> dict[str, object]:
    """The options drillbit's command line makes of ``arguments``; raises click's usage errors as they are."""
    group = get_command(app)
    context = group.context_class(group, info_name="drillbit")
    name, command, rest = group.resolve_command(context, arguments)
    if name is None or command is None:
        pytest.fail(f"drillbit has no command in {arguments}")
    return dict(command.make_context(name, rest, parent=context).params)


EXAMPLE_COMMANDS = [command for example in examples() for command in drillbit_commands(example)]


def test_ci_docs_examples_drill_shards_merge_them_and_check_coverage() -> None:
    assert [[command[0] for command in drillbit_commands(example)] for example in examples()] == [
        ["ci", "merge", "coverage"],
        ["ci", "merge", "coverage"],
    ]


@pytest.mark.parametrize("arguments", EXAMPLE_COMMANDS, ids=[" ".join(command) for command in EXAMPLE_COMMANDS])
def test_ci_docs_command_parses_with_the_drillbit_command_line(arguments: list[str]) -> None:
    options = parse(arguments)

    shard = options.get("shard")
    if isinstance(shard, str):
        assert Shard.parse(shard) == Shard(1, 4)


def test_parse_refuses_an_option_the_command_does_not_have() -> None:
    with pytest.raises(Exception, match="No such option: --shards"):
        parse(["ci", "--shards", "1/4"])
