"""Runbook coverage: which fenced code blocks of the runbooks the drills ran, and which a passing drill proved.

    runbook_coverage(records, [RunbookFile("runbooks/reports.md", "scenarios/runbooks/reports.md", parsed)])

A ``shell`` step that runs a runbook block says which on its ``step_started`` event (``runbook``:
``runbooks/reports.md#fix``, ``block``: 2, ``line``: 41); its ``step_finished`` event says whether it finished
ok. A block is **proven** when a drill that passed ran it and the step finished ok, **not proven** when only
drills that failed (or steps that failed) ran it, **never run** otherwise. A record without that data (an older
report, a person's play) counts nothing; free-form commands are not matched to blocks.

Pure: records and parsed runbooks in, a typed result out. The runbooks come parsed, as any value of the shapes
below: :class:`drills.language.runbook.Runbook` is one, but reports stand below the language, so this module
imports no parser and reads no file.
"""

from __future__ import annotations

import math
import posixpath
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Final, Literal, Protocol

from pydantic import BaseModel, ConfigDict

from drills.scoring.score import score
from drills.timeline import DrillRecord, Event, EventKind

COVERAGE_SCHEMA_VERSION: Final = 1

BlockStatus = Literal["proven", "not_proven", "never_run"]
RunResult = Literal["ok", "failed", "unfinished"]


class CodeBlockShape(Protocol):
    """A fenced code block: the line of its opening fence and its language."""

    @property
    def line(self) -> int: ...
    @property
    def language(self) -> str: ...


class SectionShape(Protocol):
    """A heading with its anchor, and every block from it to the next heading of its level or higher."""

    @property
    def anchor(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def level(self) -> int: ...
    @property
    def line(self) -> int: ...
    @property
    def blocks(self) -> Sequence[CodeBlockShape]: ...


class RunbookShape(Protocol):
    """Every section of a runbook, in the order they appear."""

    @property
    def sections(self) -> Sequence[SectionShape]: ...


@dataclass(frozen=True)
class RunbookFile:
    """A parsed runbook: its name as scenarios write it (``runbooks/reports.md``), and the path it is shown by."""

    name: str
    path: str
    runbook: RunbookShape


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class BlockRun(_Frozen):
    """One drill's run of a block: the step that ran it, how the step ended, and whether the drill passed."""

    scenario: str
    drill_id: str
    step: str
    result: RunResult
    drill_passed: bool
    line: int | None
    """Where the block began when it was drilled (None in a record that did not say)."""

    @property
    def proves(self) -> bool:
        return self.result == "ok" and self.drill_passed


class BlockCoverage(_Frozen):
    """One fenced block: where it is, what a step writes to run it (``runbook: "#section"``, ``block: N``)."""

    line: int
    section: str
    """The anchor of the innermost section the block is in."""
    block: int
    """The block's number in that section, from 1."""
    language: str
    status: BlockStatus
    runs: tuple[BlockRun, ...]


class EntryCoverage(_Frozen):
    """A section that holds code blocks (its own or its sub-sections'), and how many of them were run and proven."""

    anchor: str
    title: str
    level: int
    line: int
    blocks: int
    run: int
    proven: int


class Totals(_Frozen):
    """Blocks, how many were run (proven or not), how many proven, and the proven share in percent."""

    blocks: int
    run: int
    proven: int
    percent: float
    """100 when there is no block at all: nothing is left unproven."""


class RunbookCoverage(_Frozen):
    """One runbook file: its entries and every block in it."""

    name: str
    path: str
    totals: Totals
    entries: tuple[EntryCoverage, ...]
    blocks: tuple[BlockCoverage, ...]


class Coverage(_Frozen):
    """Every runbook's coverage, the totals over all of them, and the blocks never run as ``path:line``."""

    schema_version: Literal[1] = COVERAGE_SCHEMA_VERSION
    drills: int
    totals: Totals
    runbooks: tuple[RunbookCoverage, ...]
    never_run: tuple[str, ...]
    notes: tuple[str, ...]
    """Runs that name a block no runbook given has (any more), or a block that has moved since it was drilled."""

    def below(self, percent: float) -> bool:
        """Whether less than ``percent`` of the blocks are proven (compared exactly, not as rounded)."""
        return self.totals.proven * 100 < percent * self.totals.blocks


def dumps_coverage(coverage: Coverage) -> str:
    """coverage.json: the whole result, every block with its runs."""
    return coverage.model_dump_json(indent=2) + "\n"


@dataclass(frozen=True)
class _Ran:
    """A run read from a record, with the block it names: (runbook name, anchor, block number)."""

    runbook: str
    anchor: str
    block: int
    run: BlockRun


def runbook_coverage(records: Iterable[DrillRecord], runbooks: Sequence[RunbookFile]) -> Coverage:
    """The coverage of ``runbooks`` by the drills of ``records``."""
    drilled = list(records)
    ran = [found for record in drilled for found in _block_runs(record)]
    by_block, notes = _place(ran, runbooks)
    covered = tuple(_runbook(file, by_block) for file in runbooks)
    never_run = tuple(
        f"{file.path}:{block.line}" for file in covered for block in file.blocks if block.status == "never_run"
    )
    return Coverage(
        drills=len(drilled),
        totals=_sum([file.totals for file in covered]),
        runbooks=covered,
        never_run=never_run,
        notes=tuple(dict.fromkeys(notes)),
    )


def _block_runs(record: DrillRecord) -> list[_Ran]:
    """Every runbook block the record's steps started, each with how its step ended."""
    passed = score(record).passed
    found = []
    for index, event in enumerate(record.timeline):
        named = _named_block(event)
        if named is None:
            continue
        runbook, anchor, block = named
        step = event.optional_text("step") or ""
        run = BlockRun(
            scenario=record.scenario.id,
            drill_id=record.drill_id,
            step=step,
            result=_result(record.timeline[index + 1 :], step),
            drill_passed=passed,
            line=_whole(event.data.get("line")),
        )
        found.append(_Ran(runbook, anchor, block, run))
    return found


def _named_block(event: Event) -> tuple[str, str, int] | None:
    if event.kind is not EventKind.STEP_STARTED:
        return None
    reference, block = event.optional_text("runbook"), _whole(event.data.get("block"))
    if reference is None or block is None:
        return None
    file, _, anchor = reference.partition("#")
    return posixpath.normpath(file), anchor, block


def _whole(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _result(after: Sequence[Event], step: str) -> RunResult:
    """How the step ended: its next step_finished event, unless another step started first."""
    for event in after:
        if event.kind is EventKind.STEP_FINISHED and event.optional_text("step") == step:
            return "ok" if event.flag("ok") else "failed"
        if event.kind is EventKind.STEP_STARTED:
            break
    return "unfinished"


_Key = tuple[str, int]
"""A block by its runbook's name and its line now."""


def _place(ran: Sequence[_Ran], runbooks: Sequence[RunbookFile]) -> tuple[dict[_Key, list[BlockRun]], list[str]]:
    """Each run under the block it names, as the runbooks read now; a note for each run that cannot be placed."""
    files = {posixpath.normpath(file.name): file for file in runbooks}
    placed: dict[_Key, list[BlockRun]] = {}
    notes = []
    for found in ran:
        run, where = found.run, f"{found.runbook}#{found.anchor} block {found.block}"
        file = files.get(found.runbook)
        line = None if file is None else _block_line(file.runbook, found.anchor, found.block)
        if file is None or line is None:
            missing = "is not among the runbooks measured" if file is None else "has no such block now"
            notes.append(f'{run.drill_id} ran {where} (step "{run.step}"), which {missing}')
            continue
        if run.line is not None and run.line != line:
            notes.append(f"{run.drill_id} ran {where} at line {run.line}; it is at line {line} now")
        placed.setdefault((file.name, line), []).append(run)
    return placed, notes


def _block_line(runbook: RunbookShape, anchor: str, number: int) -> int | None:
    section = next((section for section in runbook.sections if section.anchor == anchor), None)
    if section is None or not 1 <= number <= len(section.blocks):
        return None
    return section.blocks[number - 1].line


def _runbook(file: RunbookFile, runs: Mapping[_Key, list[BlockRun]]) -> RunbookCoverage:
    blocks = _blocks(file, runs)
    status = {block.line: block.status for block in blocks}
    entries = tuple(
        EntryCoverage(
            anchor=section.anchor,
            title=section.title,
            level=section.level,
            line=section.line,
            blocks=len(section.blocks),
            run=sum(status[block.line] != "never_run" for block in section.blocks),
            proven=sum(status[block.line] == "proven" for block in section.blocks),
        )
        for section in _entries(file.runbook)
    )
    return RunbookCoverage(
        name=file.name, path=file.path, totals=_totals(blocks), entries=entries, blocks=tuple(blocks)
    )


def _blocks(file: RunbookFile, runs: Mapping[_Key, list[BlockRun]]) -> list[BlockCoverage]:
    """Every block once, under its innermost section: the last section, in order, whose blocks include it."""
    innermost: dict[int, tuple[SectionShape, int, CodeBlockShape]] = {}
    for section in file.runbook.sections:
        for number, block in enumerate(section.blocks, start=1):
            innermost[block.line] = (section, number, block)
    found = []
    for line, (section, number, block) in sorted(innermost.items()):
        block_runs = tuple(runs.get((file.name, line), ()))
        found.append(
            BlockCoverage(
                line=line,
                section=section.anchor,
                block=number,
                language=block.language,
                status=_status(block_runs),
                runs=block_runs,
            )
        )
    return found


def _status(runs: Sequence[BlockRun]) -> BlockStatus:
    if any(run.proves for run in runs):
        return "proven"
    return "not_proven" if runs else "never_run"


def _entries(runbook: RunbookShape) -> list[SectionShape]:
    """The sections that hold a block, but the runbook's title: its one level-1 heading, first in the file."""
    sections = list(runbook.sections)
    titles = [section for section in sections if section.level == 1]
    if len(titles) == 1 and sections[0] is titles[0]:
        sections = sections[1:]
    return [section for section in sections if section.blocks]


def _totals(blocks: Sequence[BlockCoverage]) -> Totals:
    run = sum(block.status != "never_run" for block in blocks)
    proven = sum(block.status == "proven" for block in blocks)
    return _share(len(blocks), run, proven)


def _sum(totals: Sequence[Totals]) -> Totals:
    return _share(sum(t.blocks for t in totals), sum(t.run for t in totals), sum(t.proven for t in totals))


def _share(blocks: int, run: int, proven: int) -> Totals:
    # Rounded down, so that 100 means every block: 999 of 1000 is 99.9, not 100.
    percent = 100.0 if blocks == 0 else math.floor(1000 * proven / blocks) / 10
    return Totals(blocks=blocks, run=run, proven=proven, percent=percent)
