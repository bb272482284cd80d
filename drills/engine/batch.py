"""Drilling many scenarios: in parallel, each in its own process and on its own world; a shard of a catalog; an
undecided objective settled at a finer time scale.

    drill_all(scenarios, settings, jobs=2)     every scenario, at most ``jobs`` at once, results in their order
    shard_of(scenarios, Shard.parse("2/3"))    the second third of a catalog, the same on every machine

A drill's world has its own folder, ports, deploy socket and clock, so drills in separate processes share
nothing but the machine. A drill whose objectives came out undecided at its time scale (drills.scoring.resolution)
is drilled again at a tenth of that scale, down to FINEST_SCALE, and the result says so.
"""

from __future__ import annotations

import dataclasses
import multiprocessing
import os
import re
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from drills.engine.runner import DrillResult, DrillSettings, drill_scale
from drills.errors import InputError
from drills.scenario.model import Scenario

FINER: Final = 10.0
"""How much finer each re-drill of an undecided objective is."""
FINEST_SCALE: Final = 10.0
"""No re-drill runs slower than this: at 10, a 4-hour incident takes 24 wall minutes."""
_SHARD: Final = re.compile(r"(\d+)/(\d+)")


@dataclass(frozen=True)
class Shard:
    """Part ``index`` (from 1) of ``count`` equal parts of a catalog: ``--shard 2/3``."""

    index: int
    count: int

    @classmethod
    def parse(cls, text: str) -> Shard:
        match = _SHARD.fullmatch(text.strip())
        if match is None:
            raise InputError(f"--shard {text!r} is not K/N, like 1/3", hint="K from 1 to N: this machine's part")
        index, count = int(match[1]), int(match[2])
        if not 1 <= index <= count:
            raise InputError(f"--shard {text}: K must be from 1 to N ({count}), not {index}")
        return cls(index, count)


def shard_of(scenarios: Sequence[Scenario], shard: Shard) -> list[Scenario]:
    """Every ``count``-th scenario by id from the ``index``-th: parts that differ by one scenario at most."""
    ordered = sorted(scenarios, key=lambda scenario: scenario.id)
    return ordered[shard.index - 1 :: shard.count]


def default_jobs() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def check_jobs(jobs: int) -> int:
    if jobs < 1:
        raise InputError(f"--jobs {jobs}: drill at least one scenario at a time (1 or more)")
    return jobs


@dataclass(frozen=True)
class Settled:
    """A scenario's last drill, and the time scales it was drilled at before an objective could be decided."""

    result: DrillResult
    scales: tuple[float, ...]

    @property
    def redrilled(self) -> bool:
        return len(self.scales) > 1


DrillOnce = Callable[[Scenario, DrillSettings], DrillResult]


def drill_once(scenario: Scenario, settings: DrillSettings) -> DrillResult:
    """One drill by the automated responder on the local runtime."""
    from drills.engine.responder import AutoResponder
    from drills.engine.runner import Drill
    from drills.runtimes.choice import runtime_named

    return Drill(scenario, settings, runtime_named(settings.runtime)).run(AutoResponder)


def settle(scenario: Scenario, settings: DrillSettings, drill: DrillOnce = drill_once) -> Settled:
    """Drills ``scenario``; while an objective is undecided and a finer scale is allowed, drills it again there."""
    scales: list[float] = []
    scale = drill_scale(scenario, settings).factor
    while True:
        scales.append(scale)
        result = drill(scenario, dataclasses.replace(settings, time_scale=scale))
        finer = max(FINEST_SCALE, scale / FINER)
        if not result.score.undecided or finer >= scale:
            return Settled(result, tuple(scales))
        scale = finer


def drill_all(
    scenarios: Sequence[Scenario],
    settings: DrillSettings,
    jobs: int,
    on_done: Callable[[Settled], None] = lambda settled: None,
) -> list[Settled]:
    """Every scenario settled, in the order given; ``jobs`` at once, each in a process of its own."""
    if check_jobs(jobs) == 1:
        return [_told(settle(scenario, settings), on_done) for scenario in scenarios]
    # spawn, not fork: a drill's threads and locks must not be copied mid-use into another drill.
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=min(jobs, len(scenarios) or 1), mp_context=context) as pool:
        futures = [pool.submit(settle, scenario, settings) for scenario in scenarios]
        return [_told(future.result(), on_done) for future in futures]


def _told(settled: Settled, on_done: Callable[[Settled], None]) -> Settled:
    on_done(settled)
    return settled


def report_paths(results: Sequence[Settled]) -> list[Path]:
    """Each drill's report.json, for a merge on another machine."""
    return [settled.result.written.json for settled in results]
