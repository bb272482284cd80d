"""``kind: command``: a program the world's tools can run (psql, redis-cli, curl), its exit code and output."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from drills.language.expect import CommandExpect
from drills.language.requests import CommandSpec
from drills.probes.registry import ProbeBase, ProbeKind, Reading, aims_at_nothing, register

if TYPE_CHECKING:
    from drills.probes.result import ProbeResult


class CommandProbe(ProbeBase, CommandSpec):
    """A command the world's tools can run (psql, redis-cli, curl), and its exit code and output."""

    kind: Literal["command"]
    expect: CommandExpect = CommandExpect()


def read(probe: CommandProbe, reading: Reading) -> ProbeResult:
    from drills.probes.command import run_command

    return run_command(probe, probe.expect, reading.context, reading.limits)


# A program is not sandboxed: what it reaches is up to it. It runs with the world's addresses in its environment
# and none of the harness's own (drills.world.env), which is what keeps a runbook's psql and curl on the world.
register(ProbeKind("command", CommandProbe, read, aims_at_nothing))
