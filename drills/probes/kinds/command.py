"""``kind: command``: a program the world's tools can run (psql, redis-cli, curl), its exit code and output."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from drills.language.expect import CommandExpect
from drills.language.requests import CommandSpec
from drills.probes.registry import ProbeBase, ProbeKind, Reading, register

if TYPE_CHECKING:
    from drills.probes.result import ProbeResult


class CommandProbe(ProbeBase, CommandSpec):
    """A command the world's tools can run (psql, redis-cli, curl), and its exit code and output."""

    kind: Literal["command"]
    expect: CommandExpect = CommandExpect()


def read(probe: CommandProbe, reading: Reading) -> ProbeResult:
    from drills.probes.command import run_command

    return run_command(probe, probe.expect, reading.context, reading.limits)


register(ProbeKind("command", CommandProbe, read))
