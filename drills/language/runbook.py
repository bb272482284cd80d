"""A runbook read as a drill needs it: sections by their heading anchors, their text, and their fenced code.

Anchors are GitHub's: the heading's text, lower-cased, punctuation dropped, spaces turned into hyphens, and a
repeated anchor numbered (``fix``, ``fix-1``, ``fix-2``). A section runs from its heading to the next heading of
the same or a higher level, so an entry's code blocks include those of its sub-headings. Its ``body`` is only its
own markdown: from the line after its heading to the next heading of any level. ATX headings (``## Title``)
only; a ``#`` inside a fenced block is code, not a heading. Pure: text in, values out.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Final

_HEADING: Final = re.compile(r" {0,3}(#{1,6})(?:[ \t]+(.*?))?[ \t]*$")
_CLOSING_HASHES: Final = re.compile(r"(?:^|[ \t]+)#+$")
_FENCE: Final = re.compile(r"( {0,3})(`{3,}|~{3,})(.*)$")
_LINK: Final = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_TAG: Final = re.compile(r"<[^>]+>")
_UNDERSCORE_EMPHASIS: Final = re.compile(r"(?<![\w])_{1,2}(\S(?:.*?\S)?)_{1,2}(?![\w])")


@dataclass(frozen=True)
class CodeBlock:
    """One fenced code block: its info string's first word, its text, and the line of its opening fence."""

    language: str
    code: str
    line: int


@dataclass(frozen=True)
class Section:
    """A heading, its anchor, the code blocks from it to the next heading of its level or higher, and its body.

    ``body`` is the markdown (prose and code) between the heading and the next heading of any level, without
    the blank lines around it: the section's own text, without its sub-sections.
    """

    anchor: str
    title: str
    level: int
    line: int
    blocks: tuple[CodeBlock, ...]
    body: str


@dataclass(frozen=True)
class Runbook:
    """Every section of one runbook, in the order they appear."""

    sections: tuple[Section, ...]

    def section(self, anchor: str) -> Section | None:
        """The section with this anchor (a leading ``#`` is allowed), or None."""
        wanted = anchor.removeprefix("#")
        return next((section for section in self.sections if section.anchor == wanted), None)

    @property
    def anchors(self) -> tuple[str, ...]:
        return tuple(section.anchor for section in self.sections)

    def within(self, section: Section) -> tuple[Section, ...]:
        """The sub-sections of ``section`` at any depth, in order; ValueError if it is not in this runbook."""
        inside = []
        for other in self.sections[self.sections.index(section) + 1 :]:
            if other.level <= section.level:
                break
            inside.append(other)
        return tuple(inside)

    def children(self, section: Section) -> tuple[Section, ...]:
        """The sub-sections one level below ``section`` (``###`` under ``##``), in order."""
        return tuple(other for other in self.within(section) if other.level == section.level + 1)

    def text(self, section: Section) -> str:
        """The section's markdown without its own heading: its body, then each sub-section's heading and body."""
        parts = [section.body]
        for inner in self.within(section):
            parts += [f"{'#' * inner.level} {inner.title}", inner.body]
        return "\n\n".join(part for part in parts if part)


@dataclass(frozen=True)
class _Heading:
    level: int
    title: str
    line: int


def slugify(title: str) -> str:
    """GitHub's anchor for a heading's text, before duplicates are numbered."""
    text = _LINK.sub(r"\1", title)
    text = _TAG.sub("", text)
    text = _UNDERSCORE_EMPHASIS.sub(r"\1", text).lower()
    kept = "".join(char for char in text if char in "-_ " or unicodedata.category(char)[0] in "LNM")
    return kept.replace(" ", "-")


def hint_sections(runbook: Runbook, entry: Section) -> tuple[Section, ...]:
    """The sections the hints reveal, in order: the entry's direct sub-sections, or the entry itself."""
    return runbook.children(entry) or (entry,)


def names_section(name: str, section: Section) -> bool:
    """Whether a ``hint_cost`` key names ``section``: its title or its anchor, in any case.

    The title's own anchor counts too: ``how-it-is-noticed`` names "How it is noticed" where the runbook had to
    number the anchor (``how-it-is-noticed-1``) because an earlier entry has a section of the same title.
    """
    wanted = name.removeprefix("#").casefold()
    return wanted in (section.title.casefold(), section.anchor, slugify(section.title))


def parse_runbook(text: str) -> Runbook:
    """The sections of a markdown runbook."""
    lines = text.splitlines()
    items = _scan(lines)
    headings = [(index, item) for index, item in enumerate(items) if isinstance(item, _Heading)]
    used: dict[str, int] = {}
    sections = []
    for position, (index, heading) in enumerate(headings):
        end = next((later for later, other in headings[position + 1 :] if other.level <= heading.level), len(items))
        blocks = tuple(item for item in items[index + 1 : end] if isinstance(item, CodeBlock))
        next_line = headings[position + 1][1].line if position + 1 < len(headings) else len(lines) + 1
        body = _body(lines[heading.line : next_line - 1])
        anchor = _unique(slugify(heading.title), used)
        sections.append(Section(anchor, heading.title, heading.level, heading.line, blocks, body))
    return Runbook(tuple(sections))


def _body(lines: list[str]) -> str:
    """The lines as one text, without blank lines at either end; indentation is kept (it can mean code)."""
    while lines and not lines[0].strip():
        lines = lines[1:]
    while lines and not lines[-1].strip():
        lines = lines[:-1]
    return "\n".join(lines)


def _unique(slug: str, used: dict[str, int]) -> str:
    result = slug
    while result in used:
        used[slug] += 1
        result = f"{slug}-{used[slug]}"
    used[result] = 0
    return result


def _scan(lines: list[str]) -> list[_Heading | CodeBlock]:
    items: list[_Heading | CodeBlock] = []
    number = 0
    while number < len(lines):
        fence = _FENCE.match(lines[number])
        if fence and not (fence.group(2)[0] == "`" and "`" in fence.group(3)):
            block, number = _read_block(lines, number, fence)
            items.append(block)
            continue
        heading = _HEADING.match(lines[number])
        if heading:
            title = _CLOSING_HASHES.sub("", heading.group(2) or "").strip()
            items.append(_Heading(len(heading.group(1)), title, number + 1))
        number += 1
    return items


def _read_block(lines: list[str], start: int, fence: re.Match[str]) -> tuple[CodeBlock, int]:
    """The block opened at ``start`` and the index after its closing fence (the end, if never closed)."""
    indent, marker, info = len(fence.group(1)), fence.group(2), fence.group(3).strip()
    closing = re.compile(rf" {{0,3}}{re.escape(marker[0])}{{{len(marker)},}}[ \t]*$")
    body: list[str] = []
    number = start + 1
    while number < len(lines) and not closing.match(lines[number]):
        body.append(_outdent(lines[number], indent))
        number += 1
    code = "".join(f"{line}\n" for line in body)
    language = info.split()[0] if info else ""
    return CodeBlock(language, code, start + 1), number + 1


def _outdent(line: str, indent: int) -> str:
    spaces = len(line) - len(line.lstrip(" "))
    return line[min(spaces, indent) :]
