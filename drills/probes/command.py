"""Command probes: a program run with the world's environment, and its exit code and output."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from drills.language.conditions import check, show
from drills.language.expect import CommandExpect
from drills.language.requests import CommandSpec
from drills.probes.http import parse_json
from drills.probes.result import DEFAULT_LIMITS, ProbeLimits, ProbeResult, describe, outcome, unreadable
from drills.world.context import DrillContext
from drills.world.env import world_shell_env

TAIL_CHARACTERS: Final = 2000
"""Output kept in a result's value; ``output`` keeps all of it, for ``save``."""
DRAIN_SECONDS: Final = 1.0
NOT_FOUND: Final = 127
"""The exit code of a shell asked to run a program it cannot find."""
# What a shell says then: bash (`bash: line 1: jq: command not found`), dash (`sh: 1: jq: not found`) and zsh.
_NOT_FOUND_LINES: Final = (
    re.compile(r"^[^:\n]+: (?:line \d+: )?(\S+): command not found$", re.M),
    re.compile(r"^[^:\n]+: \d+: (\S+): not found$", re.M),
    re.compile(r"^[^:\n]+: command not found: (\S+)$", re.M),
)


@dataclass(frozen=True)
class Finished:
    """How a program ended: its exit code (None when it was killed for running too long) and its output."""

    exit_code: int | None
    output: str


def run_command(
    program: CommandSpec, expect: CommandExpect, context: DrillContext, limits: ProbeLimits = DEFAULT_LIMITS
) -> ProbeResult:
    """Runs ``program`` in the scenario's directory, stdout and stderr together, and checks ``expect``."""
    argv = _argv(program)
    env = {**world_shell_env(context), **program.env}
    started = context.stopwatch.monotonic()
    try:
        finished = _run(argv, env, context.scenario_dir, limits.command_s)
    except OSError as error:
        return unreadable(
            context, f"cannot run {argv[0]!r}: {describe(error)}", context.stopwatch.monotonic() - started
        )
    latency = context.stopwatch.monotonic() - started
    tail = finished.output[-TAIL_CHARACTERS:]
    return outcome(
        context,
        _reasons(expect, finished, limits),
        f"exit code {finished.exit_code}" + (f", output {show(_last_line(tail))}" if tail.strip() else ""),
        value={"exit_code": finished.exit_code, "output": tail},
        output=finished.output,
        parsed=parse_json(finished.output),
        latency_s=latency,
    )


def _argv(program: CommandSpec) -> list[str]:
    if program.argv is not None:
        return list(program.argv)
    return ["sh", "-c", program.shell or ""]


def _run(argv: list[str], env: dict[str, str], directory: Path, timeout_s: float) -> Finished:
    # A session of its own, so that a timeout kills the whole pipeline (`sleep 60 | cat`), not just `sh`,
    # whose children would otherwise hold the output pipe open and the read with it.
    process = subprocess.Popen(
        argv,
        env=env,
        cwd=directory if directory.is_dir() else None,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        output, _ = process.communicate(timeout=timeout_s)
        return Finished(process.returncode, output.decode(errors="replace"))
    except subprocess.TimeoutExpired:
        # It may have exited and left a background child holding the pipe: then its exit code still counts.
        exit_code = process.poll()
        _kill_group(process)
    return Finished(exit_code, _drain(process))


def _drain(process: subprocess.Popen[bytes]) -> str:
    try:
        output, _ = process.communicate(timeout=DRAIN_SECONDS)
    except subprocess.TimeoutExpired:
        # Something left the session and still holds the pipe: give up on the rest of the output.
        if process.stdout is not None:
            process.stdout.close()
        process.wait()
        return ""
    return output.decode(errors="replace")


def _kill_group(process: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)


def _reasons(expect: CommandExpect, finished: Finished, limits: ProbeLimits) -> list[str]:
    if finished.exit_code is None:
        return [f"still running after {limits.command_s:g}s, killed" + _tail_note(finished.output)]
    reasons = []
    code = check(expect.exit_code, finished.exit_code)
    if code is not None:
        reasons.append(f"exit code: {code}" + _missing_note(finished) + _tail_note(finished.output))
    wanted = expect.output_contains
    if wanted is not None and wanted not in finished.output:
        reasons.append(f"expected the output to contain {show(wanted)}" + _tail_note(finished.output))
    return reasons


def missing_programs(output: str) -> list[str]:
    """The programs a shell said it could not find, in the order it said so, each once."""
    found = [(match.start(), match.group(1)) for line in _NOT_FOUND_LINES for match in line.finditer(output)]
    return list(dict.fromkeys(name for _, name in sorted(found)))


def _missing_note(finished: Finished) -> str:
    names = missing_programs(finished.output)
    if not names:
        return " (what a shell answers when it cannot find a program)" if finished.exit_code == NOT_FOUND else ""
    where = "" if any("/" in name for name in names) else " on PATH"
    verb = "was" if len(names) == 1 else "were"
    return f": {', '.join(names)} {verb} not found{where} (drillbit doctor lists what the runbooks need)"


def _tail_note(output: str) -> str:
    line = _last_line(output)
    return f"; last output {show(line)}" if line else ""


def _last_line(output: str) -> str:
    lines = [line for line in output.splitlines() if line.strip()]
    return lines[-1].strip() if lines else ""
