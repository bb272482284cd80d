"""The toxic that does nothing: the head of every chain, and what runs when toxicity says no."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from fakes.toxiproxy.toxics.base import Toxic

if TYPE_CHECKING:
    from fakes.toxiproxy.stub import Stub


@dataclass(frozen=True)
class NoopToxic(Toxic):
    """Passes every chunk through unchanged."""

    async def pipe(self, stub: Stub) -> None:
        while (chunk := await stub.receive()) is not None:
            await stub.send(chunk)
        stub.close()
