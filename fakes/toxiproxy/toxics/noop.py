"""The toxic that does nothing: the head of every chain, and what runs when toxicity says no."""

from __future__ import annotations

from dataclasses import dataclass

from fakes.toxiproxy.toxics.base import Toxic, ToxicStub


@dataclass(frozen=True)
class NoopToxic(Toxic):
    """Passes every chunk through unchanged."""

    async def pipe(self, stub: ToxicStub) -> None:
        while (chunk := await stub.receive()) is not None:
            await stub.send(chunk)
        stub.close()
