"""``kind: log``: the lines of a service's log that match a pattern, and how many there must be."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import Field

from drills.language.conditions import check, show
from drills.language.expect import LogExpect
from drills.language.fields import Regex, ServiceName
from drills.probes.registry import ProbeBase, ProbeKind, Reading, aims_at_nothing, register
from drills.probes.result import outcome

if TYPE_CHECKING:
    from drills.probes.result import ProbeResult


class LogProbe(ProbeBase):
    """Lines of a service's log matching ``pattern``, since the drill started or since the first fault."""

    kind: Literal["log"]
    service: ServiceName
    pattern: Annotated[Regex, Field(min_length=1)]
    since: Literal["start", "fault"] = "start"
    expect: LogExpect = LogExpect()


def read_log(probe: LogProbe, reading: Reading) -> ProbeResult:
    """Counts the lines of a service's log, since the drill started or the fault, that match the pattern."""
    context = reading.context
    pattern = re.compile(probe.pattern)
    started = context.stopwatch.monotonic()
    lines = [line for line in context.log_since(probe.service, probe.since).splitlines() if pattern.search(line)]
    reason = check(probe.expect.count, len(lines))
    return outcome(
        context,
        [] if reason is None else [f"lines matching {show(pattern.pattern)}: {reason}"],
        f"{len(lines)} line{'' if len(lines) == 1 else 's'} of {probe.service}'s log since {probe.since} "
        f"match {show(pattern.pattern)}",
        value=len(lines),
        output="\n".join(lines),
        parsed=None,
        latency_s=context.stopwatch.monotonic() - started,
    )


register(ProbeKind("log", LogProbe, read_log, aims_at_nothing))  # a file of the world's own folder
