"""Turning SIGTERM into the same clean stop as Ctrl-C, so a world is always torn down."""

from __future__ import annotations

import contextlib
import signal
from collections.abc import Iterator
from types import FrameType


def _as_interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt(f"signal {signal.Signals(signum).name}")


@contextlib.contextmanager
def stop_on_terminate() -> Iterator[None]:
    """Within this block SIGTERM and SIGHUP raise KeyboardInterrupt in the main thread, and so does SIGINT, even
    in a process that inherited "ignore" for it (a script's `drillbit run ... &`): Python keeps that inherited
    ignore, and a drill that cannot be stopped with Ctrl-C would hold its world until it ends."""
    previous = {signum: signal.getsignal(signum) for signum in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT)}
    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, _as_interrupt)
    if previous[signal.SIGINT] == signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
