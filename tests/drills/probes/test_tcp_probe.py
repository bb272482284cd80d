"""TCP probes against real listening and closed ports."""

from __future__ import annotations

import pytest

from drills.errors import ProbeError
from drills.probes import ProbeResult, evaluate
from drills.world.context import DrillContext
from tests.drills.probes.probe_world import HttpServer, closed_port, make_probe, with_service


def test_tcp_probe_holds_when_the_port_accepts(http_server: HttpServer, context: DrillContext) -> None:
    probe = make_probe({"kind": "tcp", "host": "127.0.0.1", "port": http_server.port})
    address = f"127.0.0.1:{http_server.port}"
    assert evaluate(probe, context) == ProbeResult(
        held=True,
        detail=f"{address} accepted a connection",
        value={"address": address, "connected": True},
    )


def test_tcp_probe_resolves_host_and_port_references(context: DrillContext) -> None:
    probe = make_probe({"kind": "tcp", "host": "{postgres.host}", "port": "{postgres.port}"})
    assert evaluate(probe, context).held is True


def test_tcp_probe_does_not_hold_when_refused(context: DrillContext) -> None:
    port = closed_port()
    address = f"127.0.0.1:{port}"
    probe = make_probe({"kind": "tcp", "host": "127.0.0.1", "port": port})
    assert evaluate(probe, with_service(context, "down", port)) == ProbeResult(
        held=False,
        detail=f"{address}: [Errno 111] Connection refused",
        value={"address": address, "connected": False},
    )


def test_tcp_probe_raises_when_the_port_resolves_to_no_number(context: DrillContext) -> None:
    context.save("port", "http")
    probe = make_probe({"kind": "tcp", "host": "127.0.0.1", "port": "{saved.port}"})
    with pytest.raises(ProbeError, match=r"^'http' is not a port"):
        evaluate(probe, context)
