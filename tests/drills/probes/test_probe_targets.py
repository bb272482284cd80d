"""A probe reaches only the world's own services: one aimed elsewhere is refused before any connection or lookup.

The proof is taken at the standard library: while a refused probe is evaluated, every way Python opens a
connection or resolves a name (``socket.socket.connect``, ``connect_ex``, ``socket.create_connection``,
``socket.getaddrinfo``) is replaced by a guard that records the call and fails it.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from typing import Any

import pytest

from drills.errors import TargetRefusedError
from drills.probes import Evaluator, evaluate, wait_until
from drills.world.context import DrillContext
from drills.world.protocol import Endpoint
from tests.drills.probes.probe_world import HttpServer, ProbeWorld, Reply, closed_port, make_probe

OUTSIDE = "a drill never touches anything outside its world"


class NetworkTouched(Exception):
    """A refused probe tried to connect or to resolve a name."""


@contextmanager
def no_network() -> Iterator[list[str]]:
    """Every connection or name lookup Python makes inside is recorded, and fails."""
    calls: list[str] = []

    def guard(what: str) -> Any:
        def refuse(*args: object, **kwargs: object) -> None:
            address = next(arg for arg in args if not isinstance(arg, socket.socket))
            calls.append(f"{what} {address!r}")
            raise NetworkTouched(what)

        return refuse

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(socket.socket, "connect", guard("connect"))
        patch.setattr(socket.socket, "connect_ex", guard("connect_ex"))
        patch.setattr(socket, "create_connection", guard("create_connection"))
        patch.setattr(socket, "getaddrinfo", guard("getaddrinfo"))
        yield calls


def _refused(probe: dict[str, Any], context: DrillContext) -> tuple[str, list[str]]:
    """The refusal's first line, and what the probe tried on the network (nothing, when refused in time)."""
    with no_network() as calls:
        try:
            evaluate(make_probe(probe), context)
        except TargetRefusedError as refused:
            return str(refused).splitlines()[0], calls
        except NetworkTouched:
            pass
    return "not refused", calls


@pytest.mark.parametrize(
    ("probe", "message"),
    [
        (
            {"kind": "http", "url": "http://10.1.2.3:8000/api/v1/health"},
            "http://10.1.2.3:8000/api/v1/health is not a service of this world (10.1.2.3 is not a loopback address)",
        ),
        (
            {"kind": "http", "method": "POST", "url": "https://status.example.com/api/incidents", "json": {"a": 1}},
            "https://status.example.com/api/incidents is not a service of this world "
            "(status.example.com is not a loopback address)",
        ),
        (
            {"kind": "tcp", "host": "10.1.2.3", "port": 5432},
            "10.1.2.3:5432 is not a service of this world (10.1.2.3 is not a loopback address)",
        ),
        (
            {"kind": "tcp", "host": "db.example.com", "port": 5432},
            "db.example.com:5432 is not a service of this world (db.example.com is not a loopback address)",
        ),
        (
            {"kind": "metric", "url": "http://metrics.example.com/metrics", "metric": "up", "expect": {"value": 1}},
            "http://metrics.example.com/metrics is not a service of this world "
            "(metrics.example.com is not a loopback address)",
        ),
    ],
    ids=["http-address", "http-name", "tcp-address", "tcp-name", "metric-name"],
)
def test_probe_aimed_outside_the_world_is_refused_without_a_connection_or_a_lookup(
    probe: dict[str, Any], message: str, context: DrillContext
) -> None:
    assert _refused(probe, context) == (f"{message}; {OUTSIDE}", [])


def test_probe_whose_reference_resolves_outside_the_world_is_refused(context: DrillContext) -> None:
    # What `drillbit validate` cannot see: the host comes from a value saved while the drill runs.
    context.save("status_page", "https://status.example.com")
    probe = {"kind": "http", "url": "{saved.status_page}/api/incidents?key={secrets.admin_api_key}"}
    assert _refused(probe, context) == (
        "https://status.example.com/api/incidents?… is not a service of this world "
        f"(status.example.com is not a loopback address); {OUTSIDE}",
        [],
    )


def test_probe_on_a_loopback_port_no_service_of_the_world_has_is_refused(context: DrillContext) -> None:
    port = closed_port()
    assert _refused({"kind": "tcp", "host": "127.0.0.1", "port": port}, context) == (
        f"127.0.0.1:{port} is not a service of this world (no service of this world listens on port {port}); {OUTSIDE}",
        [],
    )


def test_refused_probe_is_named_with_its_hint(context: DrillContext) -> None:
    probe = make_probe({"kind": "http", "name": "status page", "url": "https://status.example.com/"})
    with no_network() as calls, pytest.raises(TargetRefusedError) as refused:
        Evaluator().evaluate(probe, context)
    lines = str(refused.value).splitlines()
    assert (lines[0], lines[1].startswith("Hint: aim at one of the world's services"), calls) == (
        "probe 'status page': https://status.example.com/ is not a service of this world "
        f"(status.example.com is not a loopback address); {OUTSIDE}",
        True,
        [],
    )


def test_wait_until_refuses_a_probe_aimed_outside_the_world_at_its_first_read(context: DrillContext) -> None:
    with no_network() as calls, pytest.raises(TargetRefusedError):
        wait_until(make_probe({"kind": "tcp", "host": "10.1.2.3", "port": 22}), context, 10.0, 1.0)
    assert calls == []


@pytest.mark.parametrize(
    ("service", "url", "message"),
    [
        (
            "redis",
            "redis://:pw@cache.example.com:6379/0",
            "redis://cache.example.com:6379/0 is not a service of this world "
            "(cache.example.com is not a loopback address)",
        ),
        (
            "postgres",
            "postgresql://postgres:pw@db.example.com:5432/drillbit",
            "db.example.com:5432 is not a service of this world (db.example.com is not a loopback address)",
        ),
    ],
)
def test_sql_and_redis_probes_check_the_server_their_reader_picks(
    service: str, url: str, message: str, probe_world: ProbeWorld, context: DrillContext
) -> None:
    # A runtime whose endpoint says one address and whose URL another: the URL is what the client opens.
    # (libpq opens its sockets in C, out of the guard's sight; redis-py's are Python's.)
    misleading = Endpoint("127.0.0.1", 6379, url)
    world = replace(probe_world, extra={**probe_world.extra, service: misleading})
    probe = {"kind": "redis", "command": ["PING"]} if service == "redis" else {"kind": "sql", "query": "SELECT 1"}
    assert _refused(probe, replace(context, world=world)) == (f"{message}; {OUTSIDE}", [])


def test_probe_at_the_worlds_own_service_still_reads(http_server: HttpServer, context: DrillContext) -> None:
    http_server.answer("/api/v1/health", Reply(200, "ok"))
    assert evaluate(make_probe({"kind": "http", "url": "http://localhost:{app.port}/api/v1/health"}), context).held
