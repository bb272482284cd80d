"""Evaluating probes against a live world: one small reader per kind, and waiting until a probe holds.

A probe that cannot read (connection refused, a timeout, an SQL error) does not hold, and says why in its
detail; only a mistake in the scenario or the drill (an unresolved reference, a URL that is not one) raises.
Every read is bounded by :class:`ProbeLimits`. A rate needs the probe's earlier reads: evaluate it again and
again through one :class:`Evaluator`.
"""

from __future__ import annotations

import math
import re
import socket

from pydantic import JsonValue

from drills.errors import ProbeError
from drills.probes.command import run_command
from drills.probes.http import read_http
from drills.probes.metric import MetricHistory, read_metric
from drills.probes.redis import read_redis
from drills.probes.result import DEFAULT_LIMITS, ProbeLimits, ProbeResult, describe, outcome, unreadable
from drills.probes.sql import read_sql
from drills.scenario.conditions import check, show
from drills.scenario.probes import (
    CommandProbe,
    HttpProbe,
    LogProbe,
    MetricProbe,
    Probe,
    RedisProbe,
    SqlProbe,
    TcpProbe,
)
from drills.world.context import DrillContext

__all__ = ["Evaluator", "MetricHistory", "ProbeLimits", "ProbeResult", "evaluate", "wait_until"]


class Evaluator:
    """Evaluates probes within ``limits``, keeping what a rate needs from one read of a probe to the next."""

    def __init__(self, limits: ProbeLimits = DEFAULT_LIMITS, history: MetricHistory | None = None) -> None:
        self.limits = limits
        self.history = history if history is not None else MetricHistory()

    def evaluate(self, probe: Probe, context: DrillContext) -> ProbeResult:
        limits = self.limits
        match probe:
            case HttpProbe():
                return read_http(probe, probe.expect, context, limits)
            case TcpProbe():
                return read_tcp(probe, context, limits)
            case SqlProbe():
                return read_sql(probe.query, probe.database, probe.expect, context, limits)
            case RedisProbe():
                return read_redis(probe.command, probe.expect, context, limits)
            case CommandProbe():
                return run_command(probe, probe.expect, context, limits)
            case MetricProbe():
                return read_metric(probe, context, self.history, limits)
            case LogProbe():
                return read_log(probe, context)
        raise ProbeError(f"no way to evaluate a probe of kind {probe.kind!r}")


def evaluate(probe: Probe, context: DrillContext, *, limits: ProbeLimits = DEFAULT_LIMITS) -> ProbeResult:
    """One evaluation of ``probe``, on its own (a rate needs an :class:`Evaluator` kept between reads)."""
    return Evaluator(limits).evaluate(probe, context)


def wait_until(
    probe: Probe,
    context: DrillContext,
    timeout_s: float,
    interval_s: float,
    *,
    evaluator: Evaluator | None = None,
) -> ProbeResult:
    """Evaluates ``probe`` on fixed ticks of the drill's clock until it holds or ``timeout_s`` passes.

    Ticks are ``interval_s`` apart from the first evaluation, whatever an evaluation takes (one that runs past
    a tick waits for the next). Returns the first result that held, or else the last one.
    """
    if interval_s <= 0:
        raise ProbeError(f"a wait needs an interval above 0s, not {interval_s:g}s")
    evaluator = evaluator or Evaluator()
    clock = context.clock
    start = clock.monotonic()
    while True:
        result = evaluator.evaluate(probe, context)
        if result.held:
            return result
        elapsed = clock.monotonic() - start
        next_tick = (math.floor(elapsed / interval_s) + 1) * interval_s
        if next_tick > timeout_s:
            return result
        clock.sleep(start + next_tick - clock.monotonic())


def read_tcp(probe: TcpProbe, context: DrillContext, limits: ProbeLimits = DEFAULT_LIMITS) -> ProbeResult:
    """Holds when a TCP connection to the probe's host and port is accepted within the connect limit."""
    host = context.resolve(probe.host)
    port = _port(context.resolve(str(probe.port)))
    address = f"{host}:{port}"
    started = context.clock.monotonic()
    failure = None
    try:
        socket.create_connection((host, port), timeout=limits.connect_s).close()
    except TimeoutError:
        failure = f"no connection within {limits.connect_s:g}s"
    except OSError as error:
        failure = describe(error)
    latency = context.clock.monotonic() - started
    if failure is not None:
        return unreadable(context, f"{address}: {failure}", latency, _tcp(address, connected=False))
    detail = f"{address} accepted a connection"
    return outcome(context, [], detail, value=_tcp(address, connected=True), output="", parsed=None, latency_s=latency)


def _tcp(address: str, *, connected: bool) -> JsonValue:
    return {"address": address, "connected": connected}


def _port(text: str) -> int:
    if not text.isdigit() or not 0 < int(text) < 65536:
        raise ProbeError(f"{text!r} is not a port: a tcp probe's port must resolve to a number from 1 to 65535")
    return int(text)


def read_log(probe: LogProbe, context: DrillContext) -> ProbeResult:
    """Counts the lines of a service's log, since the drill started or the fault, that match the pattern."""
    values = context.values()
    pattern = re.compile(context.resolve(probe.pattern))
    started = context.clock.monotonic()
    lines = [line for line in context.log_since(probe.service, probe.since).splitlines() if pattern.search(line)]
    reason = check(probe.expect.count, len(lines), values)
    return outcome(
        context,
        [] if reason is None else [f"lines matching {show(pattern.pattern)}: {reason}"],
        f"{len(lines)} line{'' if len(lines) == 1 else 's'} of {probe.service}'s log since {probe.since} "
        f"match {show(pattern.pattern)}",
        value=len(lines),
        output="\n".join(lines),
        parsed=None,
        latency_s=context.clock.monotonic() - started,
    )
