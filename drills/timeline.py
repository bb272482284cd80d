"""A drill's timeline: the events it produced, the record report.json saves, and the recorder that stamps them.

Every score and every report is a pure function of a `DrillRecord`, so the record carries everything they need,
including its own summary of the scenario: a report renders from the saved file alone.
"""

from __future__ import annotations

import logging
import math
import threading
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from enum import StrEnum
from typing import Final, Literal, Self

from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    JsonValue,
    NonNegativeFloat,
    PositiveFloat,
    field_validator,
    model_validator,
)

from drills.severity import DEFAULT_POLICY, ESCALATION_LEVEL, Severity, SeverityPolicy

SCHEMA_VERSION: Final = 3
READABLE_SCHEMA_VERSIONS: Final = (1, 2, 3)
"""Version 2 added the scenario's response steps, so that a step never carried out counts against a drill.
Version 3 added each time's resolution: monitor_fired and recovered events carry the interval they were read
at (``interval_s``), and ``at`` is the world clock's time, which stands still while the harness works."""

logger = logging.getLogger(__name__)


class EventKind(StrEnum):
    """What happened, in the order a drill usually goes through it."""

    DRILL_STARTED = "drill_started"
    WORLD_UP = "world_up"
    STEADY_STATE_CHECKED = "steady_state_checked"
    FAULT_INJECTED = "fault_injected"
    MONITOR_FIRED = "monitor_fired"
    MONITOR_CLEARED = "monitor_cleared"
    ACKNOWLEDGED = "acknowledged"
    STEP_STARTED = "step_started"
    STEP_FINISHED = "step_finished"
    HINT_TAKEN = "hint_taken"
    NOTE = "note"
    COMMAND = "command"
    ESCALATED = "escalated"
    RECOVERY_CHECKED = "recovery_checked"
    RECOVERED = "recovered"
    INVARIANT_CHECKED = "invariant_checked"
    FAULT_REVERTED = "fault_reverted"
    DRILL_ABORTED = "drill_aborted"
    DRILL_ERROR = "drill_error"
    DRILL_FINISHED = "drill_finished"


# The data keys scoring relies on, checked when an event is built so that a bad record fails on load, not
# halfway through rendering a report. Other keys are free-form.
_TEXT: Final = "text"
_FLAG: Final = "flag"
_NUMBER: Final = "number"
REQUIRED_DATA: Final[Mapping[EventKind, Mapping[str, str]]] = {
    EventKind.FAULT_INJECTED: {"fault": _TEXT},
    EventKind.FAULT_REVERTED: {"fault": _TEXT, "ok": _FLAG},
    EventKind.MONITOR_FIRED: {"monitor": _TEXT},
    EventKind.MONITOR_CLEARED: {"monitor": _TEXT},
    EventKind.INVARIANT_CHECKED: {"invariant": _TEXT, "held": _FLAG},
    EventKind.ESCALATED: {"level": _TEXT},
    EventKind.RECOVERED: {"window_started_at": _NUMBER},
    EventKind.STEP_FINISHED: {"step": _TEXT, "ok": _FLAG},
}
DEPLOY_TOOL: Final = "deploy-tool"
"""The source of a change made through `drillbit world` during a drill."""


def _finite(value: JsonValue) -> bool:
    """NaN and infinity are not JSON: report.json must stay readable by every JSON parser."""
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, list):
        return all(map(_finite, value))
    if isinstance(value, dict):
        return all(map(_finite, value.values()))
    return True


def _has_shape(value: JsonValue, shape: str) -> bool:
    if shape == _TEXT:
        return isinstance(value, str)
    if shape == _FLAG:
        return isinstance(value, bool)
    # bool is an int in Python; a flag where a time belongs is a bug, not a number.
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


class Event(BaseModel):
    """One thing that happened during a drill, stamped on both clocks."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    at: NonNegativeFloat = Field(description="wall seconds since the drill started")
    scenario_at: NonNegativeFloat = Field(description="scenario seconds since the drill started")
    kind: EventKind
    source: str = Field(min_length=1)
    message: str = ""
    data: dict[str, JsonValue] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _check_data(self) -> Self:
        if not _finite(self.data):
            raise ValueError("data holds NaN or infinity, which JSON cannot carry")
        for key, shape in REQUIRED_DATA.get(self.kind, {}).items():
            if key not in self.data or not _has_shape(self.data[key], shape):
                raise ValueError(f"{self.kind} events need data.{key} ({shape})")
        if self.kind is EventKind.ESCALATED and not ESCALATION_LEVEL.fullmatch(self.text("level")):
            raise ValueError(f"data.level must be one of L1..L4, not {self.text('level')!r}")
        if self.kind is EventKind.FAULT_INJECTED and "started_at" in self.data and not self._started_in_time():
            raise ValueError("data.started_at must be a number between the drill's start and the event")
        if self.kind is EventKind.RECOVERED and not 0 <= self.number("window_started_at") <= self.at:
            raise ValueError("data.window_started_at must lie between the drill's start and the event")
        return self

    def _started_in_time(self) -> bool:
        started = self.optional_number("started_at")
        return started is not None and 0 <= started <= self.at

    def text(self, key: str) -> str:
        value = self.data[key]
        if not isinstance(value, str):
            raise TypeError(f"data.{key} of a {self.kind} event is not text")
        return value

    def optional_text(self, key: str) -> str | None:
        value = self.data.get(key)
        return value if isinstance(value, str) else None

    def flag(self, key: str) -> bool:
        value = self.data[key]
        if not isinstance(value, bool):
            raise TypeError(f"data.{key} of a {self.kind} event is not a boolean")
        return value

    def number(self, key: str) -> float:
        value = self.data[key]
        if not isinstance(value, int | float) or isinstance(value, bool):
            raise TypeError(f"data.{key} of a {self.kind} event is not a number")
        return float(value)

    def optional_number(self, key: str) -> float | None:
        value = self.data.get(key)
        if isinstance(value, int | float) and not isinstance(value, bool):
            return float(value)
        return None


class ObjectiveTargets(BaseModel):
    """Objectives a scenario declares, in scenario seconds; a missing one falls back to the severity's."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    time_to_detect_s: PositiveFloat | None = None
    time_to_acknowledge_s: PositiveFloat | None = None
    time_to_recover_s: PositiveFloat | None = None

    def seconds(self, metric: str) -> float | None:
        """The target declared for `time_to_detect`, `time_to_acknowledge` or `time_to_recover`."""
        return {
            "time_to_detect": self.time_to_detect_s,
            "time_to_acknowledge": self.time_to_acknowledge_s,
            "time_to_recover": self.time_to_recover_s,
        }.get(metric)


class ScenarioSummary(BaseModel):
    """What a report needs to know about the scenario, copied into the record when the drill starts."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(min_length=1)
    title: str
    severity: Severity
    runbook: str | None = None
    description: str | None = None
    impact: str | None = None
    objectives: ObjectiveTargets = ObjectiveTargets()
    invariants: tuple[str, ...] = ()
    monitors: tuple[str, ...] = ()
    response: tuple[str, ...] = Field(
        default=(), description="the names of the automated response's steps, in order (schema_version 2 on)"
    )
    recovery_hold_s: NonNegativeFloat = Field(description="scenario seconds recovery must hold")
    root_cause: str | None = None
    fix: str | None = None


class Responder(BaseModel):
    """Who worked the drill: the automated runner or a person."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: Literal["auto", "person"]
    name: str = Field(min_length=1)


class DrillRecord(BaseModel):
    """Everything one drill produced; report.json saves it, and every report is computed from it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    schema_version: Literal[1, 2, 3] = SCHEMA_VERSION
    drill_id: str = Field(min_length=1)
    scenario: ScenarioSummary
    runtime: str
    seed: int
    time_scale: PositiveFloat = Field(description="scenario seconds per wall second")
    responder: Responder
    policy: SeverityPolicy = Field(
        default=DEFAULT_POLICY, description="what the severities promise: the targets and points it was scored by"
    )
    started_at: AwareDatetime
    finished_at: AwareDatetime | None = None
    timeline: tuple[Event, ...] = ()

    @field_validator("started_at", "finished_at")
    @classmethod
    def _in_utc(cls, value: datetime | None) -> datetime | None:
        return None if value is None else value.astimezone(UTC)

    @model_validator(mode="after")
    def _check_timeline(self) -> Self:
        if self.finished_at is not None and self.finished_at < self.started_at:
            raise ValueError("finished_at is before started_at")
        previous = 0.0
        for index, event in enumerate(self.timeline):
            if event.at < previous:
                raise ValueError(f"timeline[{index}] is earlier than the event before it")
            if not math.isclose(event.scenario_at, event.at * self.time_scale, rel_tol=1e-9, abs_tol=1e-3):
                raise ValueError(f"timeline[{index}].scenario_at is not at * time_scale")
            previous = event.at
        return self


Observer = Callable[[Event], None]


class TimelineRecorder:
    """Appends events to a drill's timeline, stamped on the wall clock and the scenario clock.

    Observers (a live feed, a play's screen) see each event as ``shown`` turns it out, which a drill uses to mask
    every secret it knows by then; the timeline keeps the event whole, for scores and for reports, which mask
    when they are written. An event ``shown`` fails on is shown to no observer.
    """

    def __init__(
        self, clock: Callable[[], float], time_scale: float, shown: Callable[[Event], Event] | None = None
    ) -> None:
        if time_scale <= 0:
            raise ValueError(f"time_scale must be positive, not {time_scale}")
        self._clock = clock
        self._time_scale = time_scale
        self._shown = shown
        self._origin = clock()
        self._events: list[Event] = []
        self._observers: list[Observer] = []
        # Monitors, responders and the runner record from different threads; the lock keeps the timeline
        # in clock order.
        self._lock = threading.Lock()

    @property
    def events(self) -> tuple[Event, ...]:
        with self._lock:
            return tuple(self._events)

    def now(self) -> float:
        """Wall seconds since the drill started (what `at` and `window_started_at` are measured in)."""
        return round(max(0.0, self._clock() - self._origin), 6)

    def attach(self, observer: Observer) -> None:
        self._observers.append(observer)

    def record(
        self, kind: EventKind, source: str, message: str = "", data: Mapping[str, JsonValue] | None = None
    ) -> Event:
        with self._lock:
            # A clock that steps back (a test double, a suspended VM) must not unsort the timeline.
            at = max(self.now(), self._events[-1].at if self._events else 0.0)
            event = Event(
                at=at,
                scenario_at=round(at * self._time_scale, 6),
                kind=kind,
                source=source,
                message=message,
                data=dict(data or {}),
            )
            self._events.append(event)
        self._notify(event)
        return event

    def _notify(self, recorded: Event) -> None:
        observers = tuple(self._observers)
        if not observers:
            return
        try:
            event = recorded if self._shown is None else self._shown(recorded)
        except Exception:
            logger.exception("a %s event could not be made fit to show; no observer sees it", recorded.kind)
            return
        for observer in observers:
            try:
                observer(event)
            except Exception:
                # A broken live view or console printer must never cost the drill its record.
                logger.exception(
                    "timeline observer %r failed on a %s event; recording carries on", observer, event.kind
                )
