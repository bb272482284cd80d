"""Stops all data and closes the connection once ``timeout`` ms pass without any; 0 never closes."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import ClassVar

from fakes.toxiproxy.toxics.base import Toxic, ToxicStub


@dataclass(frozen=True)
class TimeoutToxic(Toxic):
    """``timeout`` in milliseconds; data is dropped, and the wait starts over with each chunk, as in toxiproxy."""

    # The stream lost data while this toxic ran; toxiproxy closes it rather than carry on corrupted.
    closes_on_removal: ClassVar[bool] = True

    timeout: int = 0

    async def pipe(self, stub: ToxicStub) -> None:
        quiet_for = self.timeout / 1000 if self.timeout > 0 else None
        try:
            while True:
                async with asyncio.timeout(quiet_for):
                    if await stub.receive() is None:
                        break
        except TimeoutError:
            pass
        stub.close()
