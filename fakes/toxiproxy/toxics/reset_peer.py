"""Resets the connection (TCP RST, "connection reset by peer") ``timeout`` ms after the first data."""

from __future__ import annotations

from dataclasses import dataclass

from fakes.toxiproxy.toxics.base import Toxic, ToxicStub


@dataclass(frozen=True)
class ResetPeerToxic(Toxic):
    """``timeout`` in milliseconds, counted from the first chunk (or the end) that reaches the toxic."""

    timeout: int = 0

    async def pipe(self, stub: ToxicStub) -> None:
        await stub.receive()
        await stub.sleep(self.timeout / 1000)
        stub.close(reset=True)
