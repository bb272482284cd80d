"""How precisely a drill could measure each of its times: the ``± ...`` beside every time a report shows.

A time is measured by polling: a monitor reads the world every ``interval``, recovery checks every ``interval``
of the recovery, so the moment a change really happened lies up to one interval before the event that saw it.
And however the world clock holds still while the harness works, the world's own processes notice a moment of
scenario time by waking up every 50 ms of wall time, later on a busy machine (QUANTUM_WALL_S), which a high
time scale stretches: at 600, 100 ms of wall time is a scenario minute. A time is ``value ± resolution``; an
objective closer to it than that is neither met nor missed but undecided, and a finer time scale decides it.
"""

from __future__ import annotations

from typing import Literal

from drills.timeline import DrillRecord, Event, EventKind
from drills.world_clock import QUANTUM_WALL_S

Verdict = Literal["met", "missed", "undecided"]


def quantum(record: DrillRecord) -> float:
    """Scenario seconds of the world's own polling at the drill's time scale."""
    return QUANTUM_WALL_S * record.time_scale


def interval_of(event: Event | None) -> float:
    """The polling interval (scenario seconds) of the monitor or the recovery checks that recorded ``event``."""
    if event is None:
        return 0.0
    interval = event.optional_number("interval_s")
    return 0.0 if interval is None else interval


def first_from(record: DrillRecord, kind: EventKind, origin: float) -> Event | None:
    return next((event for event in record.timeline if event.kind is kind and event.at >= origin), None)


def resolution(record: DrillRecord, origin: float, metric: str) -> float:
    """The ``±`` of a metric measured from ``origin`` (wall seconds of the timeline), in scenario seconds."""
    if metric == "time_to_recover":
        seen_by = first_from(record, EventKind.RECOVERED, origin)
    else:
        # A page is seen when its monitor reads; acknowledging it comes after, as precisely as the page.
        seen_by = first_from(record, EventKind.MONITOR_FIRED, origin)
    return round(interval_of(seen_by) + quantum(record), 6)


def verdict(actual: float | None, target: float, margin: float) -> Verdict:
    """Met when even the latest the time could have been is within the target, missed when even the earliest
    is past it (or it never happened), else undecided."""
    if actual is None:
        return "missed"
    if actual + margin <= target:
        return "met"
    if actual - margin > target:
        return "missed"
    return "undecided"
