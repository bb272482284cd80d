"""How soon a probe gives up on what does not answer in time, beside the limit it was given. The probe tests check
what each probe says then; how long it took is this script's figure, since a busy machine only adds to it.

Brings up a world of Postgres alone, plus an HTTP server that answers after a second and a port that accepts
connections and never answers, all on 127.0.0.1. Prints one line per figure; bounded in time (about 30 s).

    .venv/bin/python bench/probe_timing.py [--runs 3]
"""

from __future__ import annotations

import argparse
import socket
import statistics
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter

from drills.clock import SystemClock, TimeScale
from drills.probes import Evaluator, ProbeLimits, ProbeResult
from drills.runtimes.local.runtime import LocalRuntime
from drills.scenario.kinds import Probe
from drills.world.context import DrillContext
from drills.world.protocol import Endpoint, World, WorldOptions
from drills.world.spec import WorldSpec
from drills.world.worlds import world_spec

HOST = "127.0.0.1"
SLOW_ANSWER_S = 1.0
PROBES: TypeAdapter[Probe] = TypeAdapter(Probe)


class _SlowHandler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        time.sleep(SLOW_ANSWER_S)
        self.send_response(200)
        self.send_header("Content-Length", "4")
        self.end_headers()
        self.wfile.write(b"late")

    def log_message(self, format: str, *args: object) -> None:
        """Quiet."""


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        """Quiet: the probe hangs up before the late answer, as it should."""


@contextmanager
def slow_server() -> Iterator[str]:
    """An HTTP server that answers every request a second late; its URL."""
    server = _Server((HOST, 0), _SlowHandler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://{HOST}:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@contextmanager
def silent_port() -> Iterator[int]:
    """A port whose connections the kernel accepts and nobody ever answers: a hung server."""
    with socket.socket() as listener:
        listener.bind((HOST, 0))
        listener.listen(16)
        yield int(listener.getsockname()[1])


class WithEndpoint:
    """A world with one endpoint replaced, so a probe of that service reaches something else."""

    def __init__(self, inner: World, name: str, endpoint: Endpoint) -> None:
        self.inner, self.name_replaced, self.endpoint = inner, name, endpoint

    def __getattr__(self, attribute: str) -> Any:
        return getattr(self.inner, attribute)

    @property
    def endpoints(self) -> Mapping[str, Endpoint]:
        return {**self.inner.endpoints, self.name_replaced: self.endpoint}


def timed(probe: Mapping[str, Any], context: DrillContext, limits: ProbeLimits) -> tuple[float, ProbeResult]:
    started = time.monotonic()
    result = Evaluator(limits).evaluate(PROBES.validate_python(probe), context)
    return time.monotonic() - started, result


def figure(name: str, limit: str, runs: list[tuple[float, ProbeResult]]) -> None:
    seconds = [wall for wall, _ in runs]
    details = sorted({result.detail for _, result in runs})
    print(
        f"{name:<52} gave up after median {statistics.median(seconds):.2f} s, max {max(seconds):.2f} s "
        f"(limit {limit}; said: {'; '.join(details)})",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    spec = WorldSpec(services=tuple(s for s in world_spec().services if s.name == "postgres"))
    world = LocalRuntime().up(spec, WorldOptions())
    try:
        with (
            tempfile.TemporaryDirectory(prefix="drillbit-bench-") as folder,
            slow_server() as slow,
            silent_port() as port,
        ):

            def context(over: World) -> DrillContext:
                return DrillContext(over, SystemClock(), TimeScale(60.0), world.epoch, Path(folder))

            plain = context(world)
            hung = Endpoint(HOST, port, f"postgresql://postgres:pw@{HOST}:{port}/drillbit")
            hung_postgres = context(WithEndpoint(world, "postgres", hung))  # type: ignore[arg-type]
            cases: list[tuple[str, str, Callable[[], tuple[float, ProbeResult]]]] = [
                (
                    "http probe, a server that never answers",
                    "read 0.2 s",
                    lambda: timed(
                        {"kind": "http", "url": f"http://{HOST}:{port}/health"}, plain, ProbeLimits(read_s=0.2)
                    ),
                ),
                (
                    f"http probe, max_latency 100ms, answer after {SLOW_ANSWER_S:g} s",
                    "100 ms",
                    lambda: timed(
                        {"kind": "http", "url": f"{slow}/slow", "expect": {"max_latency": "100ms"}},
                        plain,
                        ProbeLimits(),
                    ),
                ),
                (
                    "sql probe, pg_sleep(10) under the statement timeout",
                    "read 0.3 s",
                    lambda: timed({"kind": "sql", "query": "SELECT pg_sleep(10)"}, plain, ProbeLimits(read_s=0.3)),
                ),
                (
                    "sql probe, a Postgres that never answers",
                    "connect 2 s",
                    lambda: timed({"kind": "sql", "query": "SELECT 1"}, hung_postgres, ProbeLimits()),
                ),
                (
                    "sql probe, statement timeout off, pg_sleep(3)",
                    "guard 1.2 s",
                    lambda: timed(
                        {"kind": "sql", "query": "SET statement_timeout = 0; SELECT pg_sleep(3)"},
                        plain,
                        ProbeLimits(read_s=0.2),
                    ),
                ),
            ]
            for name, limit, run in cases:
                figure(name, limit, [run() for _ in range(args.runs)])
    finally:
        world.teardown()


if __name__ == "__main__":
    main()
