"""When the dispatcher ticks and when a target is tried again: pure functions of the settings and the clock."""

from __future__ import annotations

import pytest

from fakes.vouchers.campaign_sends import retry_delay
from fakes.vouchers.dispatcher import dispatch_period, next_tick


@pytest.mark.parametrize(
    ("interval", "scale", "period"),
    [(10.0, 1.0, 10.0), (10.0, 60.0, 10.0), (10.0, 600.0, 30.0), (0.01, 1.0, 0.05)],
)
def test_dispatch_period_is_the_interval_in_scenario_time_but_never_under_50_ms_of_wall_time(
    interval: float, scale: float, period: float
) -> None:
    assert dispatch_period(interval, scale) == pytest.approx(period)


@pytest.mark.parametrize(
    ("now", "following"),
    [(100.5, 110.0), (109.99, 110.0), (110.0, 120.0), (127.0, 130.0), (151.0, 160.0)],
)
def test_next_tick_stays_on_the_grid_and_skips_missed_ticks(now: float, following: float) -> None:
    assert next_tick(100.0, 10.0, now) == following


def test_retry_delay_doubles_from_10_seconds_up_to_an_hour() -> None:
    assert [retry_delay(attempts) for attempts in (1, 2, 3, 4, 5, 12)] == [10.0, 20.0, 40.0, 80.0, 160.0, 3600.0]
