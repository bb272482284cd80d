"""How times and values are written in the human-readable reports (report.md, JUnit's summary)."""

from __future__ import annotations

import json
from collections.abc import Mapping

from pydantic import JsonValue

from drills.durations import format_duration
from drills.scoring.score import ObjectiveResult, with_resolution


def clock(scenario_seconds: float) -> str:
    """A moment in scenario time, counted from the drill's start: `T+01:02:03`."""
    hours, rest = divmod(round(scenario_seconds), 3600)
    minutes, seconds = divmod(rest, 60)
    return f"T+{hours:02d}:{minutes:02d}:{seconds:02d}"


def wall(seconds: float | None) -> str:
    return "—" if seconds is None else f"{seconds:.3f} s"


def duration(scenario_seconds: float | None) -> str:
    return "never" if scenario_seconds is None else format_duration(scenario_seconds)


def measured(scenario_seconds: float | None, resolution_s: float | None) -> str:
    """A measured time with its resolution, ``58m ± 1m``; ``never`` when it did not happen."""
    return "never" if scenario_seconds is None else with_resolution(scenario_seconds, resolution_s)


def margin(objective: ObjectiveResult) -> str:
    """What is left before an objective's target (``13m left``), or how far past it (``4m over``)."""
    left = objective.margin_s
    if left is None:
        return "never happened"
    return f"{format_duration(left)} left" if left >= 0 else f"{format_duration(-left)} over"


def scale(time_scale: float) -> str:
    return f"{time_scale:g}"


def data_summary(data: Mapping[str, JsonValue]) -> str:
    """`key=value` pairs, strings bare and everything else as JSON, in the order the event gave them."""
    return ", ".join(f"{key}={value if isinstance(value, str) else json.dumps(value)}" for key, value in data.items())


def cell(text: str) -> str:
    """Text that cannot break a Markdown table: pipes escaped, line breaks folded."""
    return " ".join(text.replace("|", "\\|").split())
