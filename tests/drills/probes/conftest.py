"""A drill context around the session's real Postgres and Redis, with the test's own HTTP server as the app."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from drills.clock import ManualClock, SystemClock, TimeScale
from drills.runtimes.local.world import LocalWorld
from drills.world.context import DrillContext
from drills.world.protocol import Endpoint
from tests.drills.probes.probe_world import EPOCH, HttpServer, ProbeWorld

SCALE = TimeScale(60.0)


@pytest.fixture
def http_server() -> Iterator[HttpServer]:
    server = HttpServer()
    yield server
    server.close()


@pytest.fixture
def probe_world(data_world: LocalWorld, http_server: HttpServer, tmp_path: Path) -> ProbeWorld:
    app = Endpoint("127.0.0.1", http_server.port, http_server.url)
    (tmp_path / "logs").mkdir()
    return ProbeWorld(data_world, {"app": app, "toxiproxy": app}, tmp_path / "logs")


@pytest.fixture
def manual_clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def context(probe_world: ProbeWorld, manual_clock: ManualClock, tmp_path: Path) -> DrillContext:
    """A context whose clock moves only when told to, so latencies and ticks are exact."""
    return DrillContext(probe_world, manual_clock, SCALE, EPOCH, tmp_path)


@pytest.fixture
def wall_context(probe_world: ProbeWorld, tmp_path: Path) -> DrillContext:
    """A context on the real clock, for what only real time shows (latency, timeouts)."""
    return DrillContext(probe_world, SystemClock(), SCALE, EPOCH, tmp_path)
