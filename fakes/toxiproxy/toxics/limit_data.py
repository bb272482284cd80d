"""Closes the connection once ``bytes`` bytes have passed this toxic."""

from __future__ import annotations

from dataclasses import dataclass

from fakes.toxiproxy.channel import Chunk
from fakes.toxiproxy.toxics.base import Toxic, ToxicStub


@dataclass(frozen=True)
class LimitDataToxic(Toxic):
    """``bytes``: how much passes, counted per connection since the toxic was added, before the close."""

    bytes: int = 0

    async def pipe(self, stub: ToxicStub) -> None:
        while (chunk := await stub.receive()) is not None:
            allowed = max(self.bytes - stub.sent_bytes, 0)
            if allowed > 0:
                await stub.send(Chunk(chunk.data[:allowed], chunk.timestamp))
            if stub.sent_bytes >= self.bytes:
                break
        stub.close()
