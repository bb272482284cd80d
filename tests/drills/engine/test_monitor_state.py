"""A monitor fires once its condition has lasted its `for` duration, and clears when it stops."""

from __future__ import annotations

from drills.engine.watch import MonitorState
from drills.probes.result import ProbeResult
from drills.scenario.model import Monitor

PROBE = {"kind": "http", "url": "http://127.0.0.1:1/ready"}


def _monitor(fires_when: str = "holds") -> Monitor:
    return Monitor.model_validate({"name": "m", "summary": "s", "probe": PROBE, "fires_when": fires_when})


def _result(held: bool) -> ProbeResult:
    return ProbeResult(held=held, detail="", value=None, output="", parsed=None, latency_s=0.0)


def test_monitor_state_fires_after_the_condition_lasted_for() -> None:
    state = MonitorState(_monitor())
    changes = [state.update(_result(True), now, for_wall=1.0) for now in (0.0, 0.5, 1.0, 1.5)]
    assert (changes, state.fired_count) == ([None, None, "fired", None], 1)


def test_monitor_state_restarts_the_for_window_when_the_condition_breaks() -> None:
    state = MonitorState(_monitor())
    readings = [(True, 0.0), (False, 0.6), (True, 0.8), (True, 1.5), (True, 1.8)]
    changes = [state.update(_result(held), now, for_wall=1.0) for held, now in readings]
    assert changes == [None, None, None, None, "fired"]


def test_monitor_state_clears_and_fires_again() -> None:
    state = MonitorState(_monitor())
    readings = [(True, 0.0), (False, 1.0), (True, 2.0)]
    changes = [state.update(_result(held), now, for_wall=0.0) for held, now in readings]
    assert (changes, state.fired_count) == (["fired", "cleared", "fired"], 2)


def test_monitor_state_fires_when_the_probe_fails_if_asked() -> None:
    state = MonitorState(_monitor(fires_when="fails"))
    changes = [state.update(_result(held), now, for_wall=0.0) for held, now in [(True, 0.0), (False, 1.0)]]
    assert changes == [None, "fired"]
