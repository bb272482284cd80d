"""The world clock: it stands still while held, charges each hold its declared cost, and tells the fakes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from drills.clock import ManualClock, TimeScale
from drills.world.protocol import WorldOptions
from drills.world_clock import ClockState, WorldClock, write_clock_file

SCALE = TimeScale(600.0)


def started(base: ManualClock) -> WorldClock:
    clock = WorldClock(base, SCALE)
    clock.start()
    return clock


def test_the_clock_stands_still_until_the_drill_starts_and_the_start_up_costs_nothing() -> None:
    base = ManualClock()
    clock = WorldClock(base, SCALE)
    origin = clock.monotonic()
    with clock.hold(60.0):  # a service started while the world comes up
        base.advance(3.0)
    base.advance(5.0)
    held_until_start = clock.monotonic() - origin
    clock.start()
    base.advance(2.0)
    assert (held_until_start, clock.monotonic() - origin) == (0.0, 2.0)


def test_a_hold_stands_still_then_moves_on_by_its_cost_in_scenario_time() -> None:
    base = ManualClock()
    clock = started(base)
    before = clock.monotonic()
    with clock.hold(60.0):  # a redeploy: one scenario minute, whatever the machine takes
        base.advance(2.5)
        during = clock.monotonic() - before
    after = clock.monotonic() - before
    assert (during, SCALE.to_scenario(after)) == (0.0, pytest.approx(60.0))


def test_nested_holds_charge_once_each_when_the_outermost_ends() -> None:
    base = ManualClock()
    clock = started(base)
    before = clock.monotonic()
    with clock.hold(0.0):  # a fault going in
        base.advance(1.0)
        with clock.hold(60.0):  # ...that redeploys a service
            base.advance(1.0)
        inside = clock.monotonic() - before
    assert (inside, SCALE.to_scenario(clock.monotonic() - before)) == (0.0, pytest.approx(60.0))


def test_the_same_actions_give_the_same_scenario_time_however_long_the_machine_took() -> None:
    def scenario_time(redeploy_wall_seconds: float) -> float:
        base = ManualClock()
        clock = started(base)
        base.advance(0.1)
        with clock.hold(60.0):
            base.advance(redeploy_wall_seconds)
        base.advance(0.1)
        return SCALE.to_scenario(clock.monotonic())

    assert scenario_time(0.8) == pytest.approx(scenario_time(3.0))


def test_a_negative_cost_is_refused() -> None:
    with pytest.raises(ValueError, match="0 or more scenario seconds"), started(ManualClock()).hold(-1.0):
        pass


def test_the_clock_file_lines_the_fakes_up_with_the_epoch_and_follows_every_hold(tmp_path: Path) -> None:
    base = ManualClock(now=0.0, epoch=1_000.0)
    clock = WorldClock(base, SCALE)
    path = tmp_path / "clock.json"
    base.advance(4.0)  # the world took 4 s to come up; its epoch is the wall time it began
    clock.follow(path, epoch=1_002.0)
    on_start = json.loads(path.read_text())
    clock.start()
    running = json.loads(path.read_text())
    base.advance(1.0)
    with clock.hold(60.0):
        held = json.loads(path.read_text())
        base.advance(2.0)
    after = ClockState(**json.loads(path.read_text()))
    # A fake reads epoch + ((held_at or now) - offset - epoch) * scale.
    fake_now = 1_002.0 + ((base.wall() - after.offset) - 1_002.0) * SCALE.factor
    assert (on_start, running, held, fake_now) == (
        {"offset": -2.0, "held_at": 1_000.0},
        {"offset": 2.0, "held_at": None},
        {"offset": 2.0, "held_at": 1_005.0},
        pytest.approx(1_002.0 + 600.0 + 60.0),
    )


def test_world_options_hold_the_clock_for_an_action_and_charge_its_declared_cost() -> None:
    base = ManualClock()
    clock = started(base)
    before = clock.monotonic()
    with WorldOptions(clock=clock).held("restart"):
        base.advance(4.0)
        during = clock.monotonic() - before
    assert (during, SCALE.to_scenario(clock.monotonic() - before)) == (0.0, pytest.approx(60.0))


def test_world_options_without_a_clock_hold_nothing() -> None:
    with WorldOptions().held("redeploy") as held:
        assert held is None


def test_write_clock_file_without_a_clock_says_time_runs_from_the_epoch(tmp_path: Path) -> None:
    path = tmp_path / "clock.json"
    write_clock_file(None, path, epoch=1_000.0, wall=1_012.5)
    assert json.loads(path.read_text()) == {"offset": 12.5, "held_at": None}


def test_write_clock_file_with_a_clock_has_it_publish_there(tmp_path: Path) -> None:
    base = ManualClock()
    clock = WorldClock(base, SCALE)
    path = tmp_path / "clock.json"
    write_clock_file(clock, path, epoch=base.wall(), wall=0.0)
    assert json.loads(path.read_text()) == {"offset": 0.0, "held_at": base.wall()}
