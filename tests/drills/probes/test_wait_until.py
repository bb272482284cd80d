"""Waiting until a probe holds: fixed ticks of the drill's clock, and a bound."""

from __future__ import annotations

import pytest

from drills.clock import ManualClock
from drills.errors import ProbeError
from drills.probes import wait_until
from drills.world.context import DrillContext
from tests.drills.probes.probe_world import HttpServer, Reply, make_probe

HEALTH = make_probe({"kind": "http", "url": "{app.url}/api/v1/health", "expect": {"status": 200}})


def recover_after(server: HttpServer, failures: int, clock: ManualClock, probe_takes_s: float) -> None:
    """The app answers 503 ``failures`` times, then 200; each request takes ``probe_takes_s`` on the clock."""

    def on_request() -> None:
        clock.advance(probe_takes_s)
        if len(server.received) > failures:
            server.answer("/api/v1/health", Reply(200, "ok"))

    server.answer("/api/v1/health", Reply(503, "starting"))
    server.on_request = on_request


def test_wait_until_returns_the_first_result_that_held(
    http_server: HttpServer, context: DrillContext, manual_clock: ManualClock
) -> None:
    recover_after(http_server, failures=2, clock=manual_clock, probe_takes_s=0.0)
    result = wait_until(HEALTH, context, timeout_s=10, interval_s=0.5)
    assert (result.held, len(http_server.received), manual_clock.now) == (True, 3, 1.0)


def test_wait_until_keeps_fixed_ticks_whatever_a_probe_takes(
    http_server: HttpServer, context: DrillContext, manual_clock: ManualClock
) -> None:
    recover_after(http_server, failures=2, clock=manual_clock, probe_takes_s=0.2)
    wait_until(HEALTH, context, timeout_s=10, interval_s=0.5)
    assert manual_clock.sleeps == [pytest.approx(0.3), pytest.approx(0.3)]


def test_wait_until_skips_the_ticks_a_slow_probe_overran(
    http_server: HttpServer, context: DrillContext, manual_clock: ManualClock
) -> None:
    recover_after(http_server, failures=1, clock=manual_clock, probe_takes_s=0.7)
    wait_until(HEALTH, context, timeout_s=10, interval_s=0.5)
    assert manual_clock.sleeps == [pytest.approx(0.3)]


def test_wait_until_gives_up_after_its_timeout_with_the_last_result(
    http_server: HttpServer, context: DrillContext, manual_clock: ManualClock
) -> None:
    recover_after(http_server, failures=100, clock=manual_clock, probe_takes_s=0.0)
    result = wait_until(HEALTH, context, timeout_s=2, interval_s=0.5)
    assert (result.held, result.detail, len(http_server.received), manual_clock.now) == (
        False,
        "status: expected 200, got 503",
        5,
        2.0,
    )


def test_wait_until_refuses_an_interval_of_zero(context: DrillContext) -> None:
    with pytest.raises(ProbeError, match=r"^a wait needs an interval above 0s, not 0s$"):
        wait_until(HEALTH, context, timeout_s=1, interval_s=0)
