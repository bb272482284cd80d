"""Holds the close of a stream back for ``delay`` milliseconds; data passes as usual."""

from __future__ import annotations

from dataclasses import dataclass

from fakes.toxiproxy.toxics.base import Toxic, ToxicStub


@dataclass(frozen=True)
class SlowCloseToxic(Toxic):
    """``delay`` in milliseconds between the end of the stream and the close of the other side."""

    delay: int = 0

    async def pipe(self, stub: ToxicStub) -> None:
        while (chunk := await stub.receive()) is not None:
            await stub.send(chunk)
        await stub.sleep(self.delay / 1000)
        stub.close()
