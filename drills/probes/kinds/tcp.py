"""``kind: tcp``: holds when a TCP connection to host:port is accepted."""

from __future__ import annotations

import socket
from collections.abc import Sequence
from typing import TYPE_CHECKING, Literal

from pydantic import JsonValue

from drills.errors import ProbeError
from drills.language.fields import NonEmptyText, Port
from drills.probes.registry import ProbeBase, ProbeKind, Reading, register
from drills.probes.result import describe, outcome, unreadable
from drills.world.targets import AddressTarget, Target

if TYPE_CHECKING:
    from drills.probes.result import ProbeResult
    from drills.world.context import DrillContext


class TcpProbe(ProbeBase):
    """Holds when a TCP connection to host:port is accepted."""

    kind: Literal["tcp"]
    host: NonEmptyText
    port: Port


def read_tcp(probe: TcpProbe, reading: Reading) -> ProbeResult:
    """Holds when a TCP connection to the probe's host and port is accepted within the connect limit."""
    context, limits = reading.context, reading.limits
    host = probe.host
    port = _port(str(probe.port))
    address = f"{host}:{port}"
    started = context.stopwatch.monotonic()
    failure = None
    try:
        socket.create_connection((host, port), timeout=limits.connect_s).close()
    except TimeoutError:
        failure = f"no connection within {limits.connect_s:g}s"
    except OSError as error:
        failure = describe(error)
    latency = context.stopwatch.monotonic() - started
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


def aims(probe: TcpProbe, context: DrillContext) -> Sequence[Target]:
    """The host and port it connects to."""
    return (AddressTarget(probe.host, _port(str(probe.port))),)


register(ProbeKind("tcp", TcpProbe, read_tcp, aims))
