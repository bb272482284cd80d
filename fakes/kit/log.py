"""Structured log lines: one JSON object per notable event on stdout, never a secret in them."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TextIO

Field = str | int | float | bool | None


class EventLog:
    """Writes ``{"ts", "scenario_time", "event", ...}`` lines; callers pass identifiers and codes, not secrets."""

    def __init__(self, scenario_now: Callable[[], datetime], stream: TextIO | None = None) -> None:
        self._scenario_now = scenario_now
        self._stream = stream

    def emit(self, event: str, **fields: Field) -> None:
        line = {
            "ts": datetime.now(tz=UTC).isoformat(timespec="milliseconds"),
            "scenario_time": self._scenario_now().isoformat(timespec="seconds"),
            "event": event,
            **fields,
        }
        stream = self._stream or sys.stdout
        stream.write(json.dumps(line, separators=(",", ":")) + "\n")
        stream.flush()
