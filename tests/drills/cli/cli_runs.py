"""Running ``drillbit`` as a user does, scenario folders of the tests' own, and what a drill's record says.

A drill's verdict (``passed``) also weighs its time objectives, which a busy machine can miss; tests that need a
drill to have worked check what does not depend on the machine's speed: it recovered, every response step
finished ok and every invariant held. Where a verdict is what is tested, the scenario's objectives are generous.
"""

from __future__ import annotations

import os
import queue
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

from drills.scoring.score import score
from drills.timeline import DrillRecord, EventKind

ROOT = Path(__file__).parents[3]
SCENARIOS = ROOT / "scenarios"
# Objectives no drill misses however busy the machine: a verdict then says whether the drill worked.
GENEROUS_OBJECTIVES = "{time_to_detect: 24h, time_to_acknowledge: 24h, time_to_recover: 72h}"
DRILL_TIMEOUT = 120.0
LINE_WAIT_SECONDS = 60.0

Worked = tuple[str, list[tuple[str, bool | None]], list[tuple[str, bool]]]


def drillbit(
    *args: str, cwd: Path = ROOT, timeout: float = 30.0, columns: int = 80
) -> subprocess.CompletedProcess[str]:
    """The command in a process of its own, as a CI log gets it: no terminal, no colour, ``columns`` wide.

    The environment is read when it runs, so a test's ``DRILLBIT_HOME`` reaches it."""
    env = {key: value for key, value in os.environ.items() if key not in ("FORCE_COLOR", "TTY_COMPATIBLE")}
    return subprocess.run(
        [sys.executable, "-m", "drills.cli", *args],
        cwd=cwd,
        env={**env, "COLUMNS": str(columns)},
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def scenario_copy(directory: Path, scenario_id: str = "cron-secret-mismatch", **replacements: str) -> Path:
    """A shipped scenario and the runbooks copied into ``directory``; each top-level ``key`` given is replaced by
    ``key: value``, together with the indented block under it. Returns ``directory``."""
    shutil.copytree(SCENARIOS / "runbooks", directory / "runbooks", dirs_exist_ok=True)
    text = (SCENARIOS / f"{scenario_id}.yaml").read_text()
    for key, value in replacements.items():
        text, found = re.subn(rf"^{key}:.*\n(?:[ \t]+.*\n)*", f"{key}: {value}\n", text, count=1, flags=re.M)
        if not found:
            raise ValueError(f"{scenario_id}.yaml has no top-level {key!r}")
    (directory / f"{replacements.get('id', scenario_id)}.yaml").write_text(text)
    return directory


def worked(record: DrillRecord) -> Worked:
    """The drill's outcome, each declared response step with whether it finished ok, each invariant with whether
    it held."""
    finished = {
        event.text("step"): event.flag("ok") for event in record.timeline if event.kind is EventKind.STEP_FINISHED
    }
    verdict = score(record)
    return (
        verdict.outcome,
        [(step, finished.get(step)) for step in record.scenario.response],
        [(invariant.name, invariant.held) for invariant in verdict.invariants],
    )


def as_it_should(record: DrillRecord) -> Worked:
    """What :func:`worked` says of a drill that worked: recovered, every step ok, every invariant held."""
    return (
        "recovered",
        [(step, True) for step in record.scenario.response],
        [(invariant, True) for invariant in record.scenario.invariants],
    )


def first_match(lines: queue.Queue[str], pattern: str) -> re.Match[str]:
    """The first line matching ``pattern``; fails after ``LINE_WAIT_SECONDS``."""
    deadline = time.monotonic() + LINE_WAIT_SECONDS
    seen = []
    while (left := deadline - time.monotonic()) > 0:
        try:
            line = lines.get(timeout=left)
        except queue.Empty:
            break
        seen.append(line)
        if match := re.search(pattern, line):
            return match
    raise AssertionError(f"{pattern!r} never appeared in:\n{''.join(seen)}")
