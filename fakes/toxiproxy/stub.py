"""A stub runs one toxic for one direction of one connection, between an input and an output channel.

A toxic's ``pipe`` is a task that can be interrupted (cancelled) at any ``await`` so the chain around it can
change while the connection is open. Nothing is lost on the way: the stub knows which chunk the toxic
holds (received, not yet wholly sent) and gives it back to the input when interrupted, and it remembers
that the stream ended, so a restarted toxic sees the end again.
"""

from __future__ import annotations

import asyncio
import logging
import math
import random

from fakes.toxiproxy.channel import EOF, RESET, Channel, Chunk, End
from fakes.toxiproxy.named_toxic import NamedToxic
from fakes.toxiproxy.toxics.noop import NoopToxic

logger = logging.getLogger(__name__)

_NOOP = NoopToxic()


def rolls(toxicity: float, rng: random.Random) -> bool:
    """Whether a toxic applies to a link: the one place toxicity is rolled. 0 never applies; 1 always."""
    return toxicity > 0 and rng.random() < toxicity


class Stub:
    """Where a toxic reads, writes, sleeps and closes, for one direction of one connection."""

    def __init__(self, toxic: NamedToxic | None, input: Channel, output: Channel, rng: random.Random) -> None:
        self.input = input
        self.output = output
        self.random = rng
        self.held: Chunk | None = None
        self._held_sent = 0  # how much of the held chunk has been sent: an offset, so parts cost no copies
        self.ended: End | None = None
        self.closed = False
        self.sent_bytes = 0
        self._task: asyncio.Task[None] | None = None
        self.toxic = toxic
        self.active = False
        self.configure(toxic)

    @property
    def name(self) -> str | None:
        return None if self.toxic is None else self.toxic.name

    def configure(self, toxic: NamedToxic | None) -> None:
        """Run this toxic from now on; toxicity is rolled again, since it may have changed."""
        self.toxic = toxic
        self.active = toxic is not None and rolls(toxic.toxicity, self.random)

    def start(self) -> None:
        if not self.closed:
            self._task = asyncio.get_running_loop().create_task(self._run())

    async def _run(self) -> None:
        behaviour = self.toxic.toxic if self.active and self.toxic is not None else _NOOP
        try:
            await behaviour.pipe(self)
        except Exception:
            logger.exception("toxic %s failed; closing its stream", self.name)
        self.close()

    async def interrupt(self) -> None:
        """Stop the toxic, keeping whatever it held for the next one to run here."""
        task, self._task = self._task, None
        if task is not None and not task.done():
            task.cancel()
            await asyncio.wait([task])
        if self.held is not None:
            self.input.push_front(Chunk(self.held.data[self._held_sent :], self.held.timestamp))
            self.held = None

    def cancel(self) -> None:
        """Stop at once, data and all: the connection is going away."""
        if self._task is not None:
            self._task.cancel()

    def idle(self) -> bool:
        """Nothing waiting here or held: data may bypass this stub without overtaking any."""
        return not self.input and self.held is None

    async def receive(self) -> Chunk | None:
        """The next chunk, or ``None`` once the stream has ended (and every time after)."""
        self.held = None
        if self.ended is not None:
            return None
        item = await self.input.get()
        if isinstance(item, End):
            self.ended = item
            return None
        self.held, self._held_sent = item, 0
        return item

    async def send(self, chunk: Chunk) -> None:
        """Pass a chunk on: the chunk held, or its next part (toxics send what they hold in order)."""
        await self.output.put(chunk)
        self.sent_bytes += len(chunk.data)
        if self.held is not None:
            self._held_sent += len(chunk.data)
            if self._held_sent >= len(self.held.data):
                self.held = None

    def close(self, reset: bool = False) -> None:
        """End the output stream; with ``reset`` (or after a reset upstream of here) as a TCP reset."""
        if self.closed:
            return
        self.closed = True
        self.held = None
        self.output.push(RESET if reset or self.ended == RESET else EOF)

    def now(self) -> float:
        return asyncio.get_running_loop().time()

    async def sleep(self, seconds: float) -> None:
        if math.isinf(seconds):
            await asyncio.get_running_loop().create_future()
        await asyncio.sleep(max(seconds, 0))

    async def sleep_until(self, when: float) -> None:
        await self.sleep(when - self.now())
