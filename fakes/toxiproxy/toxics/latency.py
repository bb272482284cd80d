"""Delays every chunk by ``latency`` ± ``jitter`` milliseconds, counted from when the proxy read it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from fakes.toxiproxy.channel import Chunk
from fakes.toxiproxy.toxics.base import Toxic, ToxicStub


@dataclass(frozen=True)
class LatencyToxic(Toxic):
    """``latency`` and ``jitter`` in milliseconds; the jitter is drawn from [-jitter, +jitter)."""

    # Reading ahead lets the delays of consecutive chunks overlap instead of adding up.
    buffer_size: ClassVar[int] = 1024

    latency: int = 0
    jitter: int = 0

    async def pipe(self, stub: ToxicStub) -> None:
        while (chunk := await stub.receive()) is not None:
            delay = self.latency
            if self.jitter > 0:
                delay += stub.random.randrange(-self.jitter, self.jitter)
            due = chunk.timestamp + delay / 1000
            await stub.sleep_until(due)
            # Stamped with when it left, so a second latency toxic adds its own delay on top.
            await stub.send(Chunk(chunk.data, max(due, chunk.timestamp)))
        stub.close()
