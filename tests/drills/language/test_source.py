from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from drills.language.source import DuplicateKey, YamlDocument, YamlSyntaxError, read_yaml

ROOT = Path(__file__).parents[3]
SCENARIO_FILES = sorted(
    [
        *(ROOT / "scenarios").glob("*.yaml"),
        *(Path(__file__).parents[1] / "scenario" / "scenario_examples").glob("*.yaml"),
    ]
)


def _python_parser_only(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(yaml, "__with_libyaml__", False)


def test_read_yaml_gives_each_key_and_item_its_line_and_notes_a_key_written_twice() -> None:
    text = "id: tiny\nsteps:\n  - a\n  - {kind: b}\nid: again\n"

    assert read_yaml(text) == YamlDocument(
        data={"id": "again", "steps": ["a", {"kind": "b"}]},
        lines={(): 1, ("id",): 5, ("steps",): 2, ("steps", 0): 3, ("steps", 1): 4, ("steps", 1, "kind"): 4},
        duplicates=[DuplicateKey(("id",), line=5, first_line=1)],
    )


@pytest.mark.parametrize("path", SCENARIO_FILES, ids=lambda path: path.name)
def test_read_yaml_reads_a_scenario_as_the_python_parser_does(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = path.read_text(encoding="utf-8")
    quick = read_yaml(text)
    _python_parser_only(monkeypatch)

    assert quick == read_yaml(text)


def test_read_yaml_words_a_mistake_as_the_python_parser_does(monkeypatch: pytest.MonkeyPatch) -> None:
    text = "id: broken\n title: indented too far\n"
    with pytest.raises(YamlSyntaxError) as quick:
        read_yaml(text)
    _python_parser_only(monkeypatch)
    with pytest.raises(YamlSyntaxError) as python:
        read_yaml(text)

    assert (quick.value.line, quick.value.message) == (python.value.line, python.value.message)
    assert (python.value.line, python.value.message) == (2, "invalid YAML: mapping values are not allowed here")


def test_read_yaml_lets_a_key_written_here_override_a_merged_one_but_not_one_written_twice() -> None:
    document = read_yaml("base: &base {x: 1, y: 2}\nkept:\n  <<: *base\n  x: 3\ntwice:\n  <<: *base\n  x: 3\n  x: 4\n")

    assert document.data == {"base": {"x": 1, "y": 2}, "kept": {"x": 3, "y": 2}, "twice": {"x": 4, "y": 2}}
    assert [(duplicate.path, duplicate.line, duplicate.first_line) for duplicate in document.duplicates] == [
        (("twice", "x"), 8, 7)
    ]
