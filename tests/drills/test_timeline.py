from __future__ import annotations

import logging
import re
from datetime import UTC, datetime, timedelta, timezone

import pytest
from pydantic import JsonValue, ValidationError

from drills.timeline import (
    DrillRecord,
    Event,
    EventKind,
    Responder,
    ScenarioSummary,
    Severity,
    TimelineRecorder,
)


class ManualClock:
    """A monotonic clock a test moves by hand."""

    def __init__(self, start: float = 1000.0) -> None:
        self.value = start

    def __call__(self) -> float:
        return self.value


def _record(timeline: tuple[Event, ...] = (), **changes: object) -> DrillRecord:
    fields: dict[str, object] = {
        "drill_id": "d-1",
        "scenario": ScenarioSummary(id="s", title="S", severity=Severity.P2, recovery_hold_s=60),
        "runtime": "local",
        "seed": 7,
        "time_scale": 60.0,
        "responder": Responder(kind="auto", name="runner"),
        "started_at": datetime(2024, 5, 1, 10, 0, tzinfo=UTC),
        "timeline": timeline,
    }
    return DrillRecord.model_validate(fields | changes)


def test_recorder_stamps_wall_and_scenario_seconds_since_start() -> None:
    clock = ManualClock(1000.0)
    recorder = TimelineRecorder(clock, time_scale=60.0)
    clock.value = 1000.5
    recorder.record(EventKind.DRILL_STARTED, "runner", "drill started")
    clock.value = 1002.25
    recorder.record(EventKind.FAULT_INJECTED, "fault:secret", "rotated", {"fault": "secret"})

    assert recorder.events == (
        Event(at=0.5, scenario_at=30.0, kind=EventKind.DRILL_STARTED, source="runner", message="drill started"),
        Event(
            at=2.25,
            scenario_at=135.0,
            kind=EventKind.FAULT_INJECTED,
            source="fault:secret",
            message="rotated",
            data={"fault": "secret"},
        ),
    )


def test_recorder_keeps_the_timeline_sorted_when_the_clock_steps_back() -> None:
    clock = ManualClock(10.0)
    recorder = TimelineRecorder(clock, time_scale=1.0)
    clock.value = 15.0
    recorder.record(EventKind.NOTE, "runner")
    clock.value = 12.0
    recorder.record(EventKind.NOTE, "runner")

    assert [event.at for event in recorder.events] == [5.0, 5.0]


def test_recorder_now_is_wall_seconds_since_start() -> None:
    clock = ManualClock(50.0)
    recorder = TimelineRecorder(clock, time_scale=30.0)
    clock.value = 53.5

    assert recorder.now() == 3.5


def test_recorder_notifies_every_observer_in_order() -> None:
    seen: list[tuple[str, EventKind]] = []
    recorder = TimelineRecorder(ManualClock(), time_scale=1.0)
    recorder.attach(lambda event: seen.append(("first", event.kind)))
    recorder.attach(lambda event: seen.append(("second", event.kind)))
    recorder.record(EventKind.WORLD_UP, "runner")

    assert seen == [("first", EventKind.WORLD_UP), ("second", EventKind.WORLD_UP)]


def test_recorder_failing_observer_never_breaks_recording(caplog: pytest.LogCaptureFixture) -> None:
    seen: list[EventKind] = []

    def broken(event: Event) -> None:
        raise RuntimeError("live view went away")

    recorder = TimelineRecorder(ManualClock(), time_scale=1.0)
    recorder.attach(broken)
    recorder.attach(lambda event: seen.append(event.kind))
    with caplog.at_level(logging.ERROR, logger="drills.timeline"):
        recorder.record(EventKind.NOTE, "runner", "still here")

    assert ([event.message for event in recorder.events], seen) == (["still here"], [EventKind.NOTE])
    assert [record.getMessage().split(";")[1] for record in caplog.records] == [" recording carries on"]


def test_recorder_shows_observers_each_event_as_shown_makes_it_and_keeps_it_whole() -> None:
    seen: list[str] = []

    def masked(event: Event) -> Event:
        return event.model_copy(update={"message": event.message.replace("s3cret", "***")})

    recorder = TimelineRecorder(ManualClock(), time_scale=1.0, shown=masked)
    recorder.attach(lambda event: seen.append(event.message))
    recorder.record(EventKind.NOTE, "runner", "the key is s3cret")

    assert (seen, [event.message for event in recorder.events]) == (["the key is ***"], ["the key is s3cret"])


def test_recorder_shows_no_observer_an_event_it_could_not_make_fit_to_show(caplog: pytest.LogCaptureFixture) -> None:
    seen: list[str] = []

    def broken(event: Event) -> Event:
        raise RuntimeError("the masks are gone")

    recorder = TimelineRecorder(ManualClock(), time_scale=1.0, shown=broken)
    recorder.attach(lambda event: seen.append(event.message))
    with caplog.at_level(logging.ERROR, logger="drills.timeline"):
        recorder.record(EventKind.NOTE, "runner", "the key is s3cret")

    assert (seen, len(recorder.events), len(caplog.records)) == ([], 1, 1)


def test_recorder_rejects_a_time_scale_that_is_not_positive() -> None:
    with pytest.raises(ValueError, match="time_scale must be positive, not 0"):
        TimelineRecorder(ManualClock(), time_scale=0)


@pytest.mark.parametrize(
    ("kind", "data", "message"),
    [
        (EventKind.FAULT_INJECTED, {}, "fault_injected events need data.fault (text)"),
        (EventKind.FAULT_REVERTED, {"fault": "f", "ok": "yes"}, "fault_reverted events need data.ok (flag)"),
        (EventKind.MONITOR_FIRED, {"monitor": 3}, "monitor_fired events need data.monitor (text)"),
        (EventKind.INVARIANT_CHECKED, {"invariant": "rows"}, "invariant_checked events need data.held (flag)"),
        (EventKind.RECOVERED, {"window_started_at": True}, "recovered events need data.window_started_at"),
        (EventKind.RECOVERED, {"window_started_at": 9.0}, "window_started_at must lie between"),
        (EventKind.ESCALATED, {"level": "L5"}, "data.level must be one of L1..L4, not 'L5'"),
        (EventKind.NOTE, {"latency": [1.0, float("nan")]}, "data holds NaN or infinity, which JSON cannot carry"),
    ],
)
def test_event_rejects_data_scoring_cannot_use(kind: EventKind, data: dict[str, JsonValue], message: str) -> None:
    with pytest.raises(ValidationError, match=re.escape(message)):
        Event(at=5.0, scenario_at=5.0, kind=kind, source="runner", data=data)


def test_event_accepts_any_data_on_a_kind_scoring_does_not_read() -> None:
    event = Event(at=1.0, scenario_at=1.0, kind=EventKind.COMMAND, source="responder:ana", data={"argv": ["psql"]})

    assert event.data == {"argv": ["psql"]}


def test_record_stores_times_in_utc() -> None:
    paris = timezone(timedelta(hours=2))
    record = _record(started_at=datetime(2024, 5, 1, 12, 0, tzinfo=paris))

    assert record.started_at == datetime(2024, 5, 1, 10, 0, tzinfo=UTC)
    assert record.started_at.tzinfo == UTC


def test_record_rejects_a_naive_start_time() -> None:
    with pytest.raises(ValidationError, match="started_at"):
        _record(started_at=datetime(2024, 5, 1, 10, 0))


def test_record_rejects_a_timeline_out_of_order() -> None:
    late = Event(at=2.0, scenario_at=120.0, kind=EventKind.NOTE, source="runner")
    early = Event(at=1.0, scenario_at=60.0, kind=EventKind.NOTE, source="runner")

    with pytest.raises(ValidationError, match=r"timeline\[1\] is earlier than the event before it"):
        _record((late, early))


def test_record_rejects_scenario_time_that_does_not_follow_the_scale() -> None:
    event = Event(at=2.0, scenario_at=2.0, kind=EventKind.NOTE, source="runner")

    with pytest.raises(ValidationError, match=r"timeline\[0\].scenario_at is not at \* time_scale"):
        _record((event,))


def test_record_rejects_a_finish_before_the_start() -> None:
    with pytest.raises(ValidationError, match="finished_at is before started_at"):
        _record(finished_at=datetime(2024, 5, 1, 9, 0, tzinfo=UTC))


def test_record_round_trips_through_json() -> None:
    event = Event(at=1.5, scenario_at=90.0, kind=EventKind.FAULT_INJECTED, source="fault:f", data={"fault": "f"})
    record = _record((event,), finished_at=datetime(2024, 5, 1, 10, 5, tzinfo=UTC))

    assert DrillRecord.model_validate_json(record.model_dump_json()) == record
