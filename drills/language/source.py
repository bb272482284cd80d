"""A YAML file read exactly as ``yaml.safe_load`` reads it, plus the line of every key and list item.

The line table is what lets a mistake found anywhere later (by pydantic, by a reference check) be reported
as ``file:line``. A key written twice in one mapping, which ``safe_load`` silently accepts, is recorded as a
problem: in a hand-written scenario it is always a mistake.

libyaml parses when PyYAML has it: ten times quicker than PyYAML's Python parser, and the values are built by the
same ``SafeConstructor``, so a text both parsers take is read to the same values and lines. A text libyaml refuses
is read again by the Python parser, so a mistake is worded as ``safe_load`` words it. libyaml takes a little more
than the Python parser: a tab after ``key:``, a ``?`` key inside ``{...}``.
"""

from __future__ import annotations

from collections.abc import Hashable
from contextlib import suppress
from dataclasses import dataclass, field
from typing import Final

import yaml

DataPath = tuple[Hashable, ...]
"""Keys and list indexes from the top of the document to a value."""

_MAPPING_TAG: Final = "tag:yaml.org,2002:map"
_SEQUENCE_TAG: Final = "tag:yaml.org,2002:seq"
_MERGE_TAG: Final = "tag:yaml.org,2002:merge"

_Loader = yaml.CSafeLoader | yaml.SafeLoader


class YamlSyntaxError(Exception):
    """The text is not YAML; says where."""

    def __init__(self, line: int | None, message: str) -> None:
        self.line = line
        self.message = message
        super().__init__(message)


@dataclass(frozen=True)
class DuplicateKey:
    """A key written a second time in one mapping."""

    path: DataPath
    line: int
    first_line: int


@dataclass
class YamlDocument:
    """The data of one document, the line of each key and list item in it, and its duplicate keys."""

    data: object
    lines: dict[DataPath, int] = field(default_factory=dict)
    duplicates: list[DuplicateKey] = field(default_factory=list)

    def line_of(self, path: DataPath) -> int:
        """The line of ``path``, or of the nearest enclosing key or item the file has."""
        for end in range(len(path), -1, -1):
            line = self.lines.get(path[:end])
            if line is not None:
                return line
        return 1


def read_yaml(text: str) -> YamlDocument:
    """The single document in ``text``; an empty text is the document ``None``."""
    if yaml.__with_libyaml__:
        with suppress(YamlSyntaxError):
            return _read(yaml.CSafeLoader(text))
    return _read(yaml.SafeLoader(text))


def _read(loader: _Loader) -> YamlDocument:
    try:
        node = loader.get_single_node()
        document = YamlDocument(None)
        if node is not None:
            document.lines[()] = node.start_mark.line + 1
            document.data = _convert(loader, node, (), document)
        return document
    except yaml.MarkedYAMLError as error:
        raise _syntax_error(error) from None
    except yaml.YAMLError as error:
        raise YamlSyntaxError(None, f"invalid YAML: {error}") from None
    finally:
        loader.dispose()


def _convert(loader: _Loader, node: yaml.Node, path: DataPath, document: YamlDocument) -> object:
    if isinstance(node, yaml.MappingNode) and node.tag == _MAPPING_TAG:
        return _convert_mapping(loader, node, path, document)
    if isinstance(node, yaml.SequenceNode) and node.tag == _SEQUENCE_TAG:
        items = []
        for index, item in enumerate(node.value):
            document.lines[(*path, index)] = item.start_mark.line + 1
            items.append(_convert(loader, item, (*path, index), document))
        return items
    return loader.construct_object(node, deep=True)


def _convert_mapping(
    loader: _Loader, node: yaml.MappingNode, path: DataPath, document: YamlDocument
) -> dict[Hashable, object]:
    written = sum(1 for key_node, _ in node.value if key_node.tag != _MERGE_TAG)
    loader.flatten_mapping(node)
    merged_count = len(node.value) - written  # flattening puts what ``<<`` merges first
    result: dict[Hashable, object] = {}
    merged: set[Hashable] = set()
    for index, (key_node, value_node) in enumerate(node.value):
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, Hashable):
            raise YamlSyntaxError(key_node.start_mark.line + 1, "invalid YAML: a mapping or list cannot be a key")
        child = (*path, key)
        line = key_node.start_mark.line + 1
        if key in result and key not in merged:  # a key written here overrides a merged one, as YAML says
            document.duplicates.append(DuplicateKey(child, line, document.lines[child]))
        if index < merged_count:
            merged.add(key)
        else:
            merged.discard(key)
        document.lines[child] = line
        result[key] = _convert(loader, value_node, child, document)
    return result


def _syntax_error(error: yaml.MarkedYAMLError) -> YamlSyntaxError:
    mark = error.problem_mark or error.context_mark
    problem = error.problem or error.context or "not YAML"
    if problem.startswith("but found another document"):
        return YamlSyntaxError(
            mark.line + 1 if mark else None, "invalid YAML: a second document starts here; a scenario file holds one"
        )
    context = ""
    if error.context and error.context_mark and error.problem:
        context = f" ({error.context} at line {error.context_mark.line + 1})"
    return YamlSyntaxError(None if mark is None else mark.line + 1, f"invalid YAML: {problem}{context}")
