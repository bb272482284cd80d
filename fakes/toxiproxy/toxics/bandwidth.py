"""Limits a stream to ``rate`` KB/s (1 KB = 1000 bytes), sending a slow stream in 100 ms pieces."""

from __future__ import annotations

import math
from dataclasses import dataclass

from fakes.toxiproxy.channel import Chunk
from fakes.toxiproxy.toxics.base import Toxic, ToxicStub


@dataclass(frozen=True)
class BandwidthToxic(Toxic):
    """``rate`` in KB/s; 0 lets nothing through until the toxic is changed or removed."""

    rate: int = 0

    async def pipe(self, stub: ToxicStub) -> None:
        bytes_per_second = self.rate * 1000
        piece_size = self.rate * 100  # what 100 ms of the rate carries
        free_at = -math.inf  # when the last byte sent has been paid for
        while (chunk := await stub.receive()) is not None:
            if bytes_per_second <= 0:
                await stub.sleep(math.inf)
            # A schedule, not a sleep per piece: timer overshoot is made up by the next piece.
            free_at = max(free_at, chunk.timestamp)
            for start in range(0, len(chunk.data), piece_size):
                piece = chunk.data[start : start + piece_size]
                free_at += len(piece) / bytes_per_second
                await stub.sleep_until(free_at)
                await stub.send(Chunk(piece, chunk.timestamp))
        stub.close()
