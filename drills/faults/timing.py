"""Waiting for a moment of the drill's clock in short slices, so that whoever waits can be told to stop."""

from __future__ import annotations

import threading
from typing import Final

from drills.clock import Clock

SLICE_SECONDS: Final = 0.05


def pause_until(clock: Clock, deadline: float, stopped: threading.Event) -> bool:
    """Sleeps until ``clock.monotonic()`` reaches ``deadline``: True then, False as soon as ``stopped`` is set."""
    while not stopped.is_set():
        remaining = deadline - clock.monotonic()
        if remaining <= 0:
            return True
        clock.sleep(min(remaining, SLICE_SECONDS))
    return False
