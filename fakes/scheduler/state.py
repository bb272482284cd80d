"""The scheduler's configuration and what it did: its recent ticks, the next slot, the slots it skipped."""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass, field

import httpx

from fakes.kit.clock import ScaledClock, iso
from fakes.kit.settings import SettingError, clock_from, flag, integer, number, text

KEPT_TICKS = 100


@dataclass(frozen=True)
class Tick:
    """One call of the app for one slot: its HTTP status, or the error when the app did not answer."""

    slot: float
    at: float
    status: int | None
    runs: int | None = None
    error: str | None = None
    detail: str | None = None

    def view(self) -> dict[str, object]:
        return {
            "slot": iso(self.slot),
            "at": iso(self.at),
            "status": self.status,
            "runs": self.runs,
            "error": self.error,
        }


@dataclass
class SchedulerState:
    """Where and how often to call, and the last ``KEPT_TICKS`` ticks; ``transport`` is for tests (None: network)."""

    app_url: str
    secret: str
    clock: ScaledClock
    tick_interval: int = 900
    timeout: float = 10.0
    transport: httpx.AsyncBaseTransport | None = None
    ticks: deque[Tick] = field(default_factory=lambda: deque(maxlen=KEPT_TICKS))
    next_slot: float | None = None
    skipped: int = 0
    catch_up: bool = False
    """Tick the slot already under way once at start, as a persistent timer does for a run missed while down."""
    started: bool = False
    """Whether its start-up is done (with catch_up, the first tick made): its health says ready only then."""

    def view(self) -> dict[str, object]:
        return {
            "app_url": self.app_url,
            "tick_interval": self.tick_interval,
            "timeout": self.timeout,
            "catch_up": self.catch_up,
            "next_slot": None if self.next_slot is None else iso(self.next_slot),
            "skipped": self.skipped,
            "ticks": [tick.view() for tick in self.ticks],
        }


def state_from_env(env: Mapping[str, str] = os.environ) -> SchedulerState:
    """``APP_URL`` and ``SCHEDULER_SECRET`` (required), ``TICK_INTERVAL``, ``TICK_TIMEOUT``, ``CATCH_UP`` and the
    clock."""
    app_url = text("APP_URL", env=env).rstrip("/")
    if not app_url.startswith(("http://", "https://")):
        raise SettingError(f"APP_URL must be an http:// or https:// URL, not {app_url!r}")
    interval = integer("TICK_INTERVAL", 900, env)
    if interval < 1:
        raise SettingError(f"TICK_INTERVAL must be 1 scenario second or more, not {interval}")
    timeout = number("TICK_TIMEOUT", 10.0, env)
    if timeout <= 0:
        raise SettingError(f"TICK_TIMEOUT must be above 0, not {timeout}")
    state = SchedulerState(app_url, text("SCHEDULER_SECRET", env=env), clock_from(env), interval, timeout)
    state.catch_up = flag("CATCH_UP", False, env)
    return state
