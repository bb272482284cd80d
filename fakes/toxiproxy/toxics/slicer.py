"""Slices chunks into small pieces of about ``average_size`` bytes, ``delay`` µs apart, as a real network might."""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from typing import ClassVar

from fakes.toxiproxy.channel import Chunk
from fakes.toxiproxy.toxics.base import Toxic, ToxicStub


@dataclass(frozen=True)
class SlicerToxic(Toxic):
    """``average_size`` and ``size_variation`` in bytes, ``delay`` in microseconds after each piece."""

    attribute_type: ClassVar[str] = "int"

    average_size: int = 0
    size_variation: int = 0
    delay: int = 0

    async def pipe(self, stub: ToxicStub) -> None:
        while (chunk := await stub.receive()) is not None:
            for start, end in self._pieces(0, len(chunk.data), stub.random):
                await stub.send(Chunk(chunk.data[start:end], chunk.timestamp))
                await stub.sleep(self.delay / 1_000_000)
        stub.close()

    def _pieces(self, start: int, end: int, rng: random.Random) -> Iterator[tuple[int, int]]:
        """Halve the span, off-centre by up to the variation, until a piece is near the average size."""
        # Toxiproxy crashes on an average size of 0 and on variations wider than the span; those are clamped
        # here (the API refuses negative sizes).
        if end - start - max(self.average_size, 1) <= max(self.size_variation, 0):
            yield start, end
            return
        middle = start + (end - start) // 2
        if self.size_variation > 0:
            middle += rng.randrange(-self.size_variation, self.size_variation)
        middle = min(max(middle, start + 1), end - 1)
        yield from self._pieces(start, middle, rng)
        yield from self._pieces(middle, end, rng)
