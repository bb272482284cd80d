"""One direction of a proxied connection: a source socket, a chain of toxics, a destination socket.

The chain always starts with a no-op stub; toxics are appended to it, changed in place and taken out while
data flows, each change interrupting only the stubs it touches. While the chain is that no-op alone and
holds no data, the reader writes straight to the destination: a connection without toxics costs one task
switch per read, and the first toxic added takes the next read through the chain.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Callable, Sequence

from fakes.toxiproxy.channel import EOF, Channel, Chunk, End
from fakes.toxiproxy.endpoint import Endpoint
from fakes.toxiproxy.named_toxic import Direction, NamedToxic
from fakes.toxiproxy.stub import Stub

# Large reads keep the per-read cost of Python small next to the bytes moved.
READ_SIZE = 256 * 1024


class Link:
    """Carries one direction of a connection through its toxics."""

    def __init__(
        self,
        direction: Direction,
        source: Endpoint,
        dest: Endpoint,
        toxics: Sequence[NamedToxic],
        rng: random.Random,
        on_done: Callable[[Link], None],
    ) -> None:
        self.direction = direction
        self.source = source
        self.dest = dest
        self.done = False
        self._rng = rng
        self._on_done = on_done
        self._output = Channel()
        self._stubs = [Stub(None, Channel(), self._output, rng)]
        for toxic in toxics:
            self._append(toxic)
        self._tasks: list[asyncio.Task[None]] = []

    def start(self) -> None:
        loop = asyncio.get_running_loop()
        self._tasks = [loop.create_task(self._read()), loop.create_task(self._write())]
        for stub in self._stubs:
            stub.start()

    def _append(self, toxic: NamedToxic) -> Stub:
        last = self._stubs[-1]
        stub = Stub(toxic, Channel(toxic.toxic.buffer_size), last.output, self._rng)
        last.output = stub.input
        self._stubs.append(stub)
        return stub

    def _direct(self) -> bool:
        """Whether a read may skip the chain: no toxics, and nothing in the chain it could overtake."""
        return len(self._stubs) == 1 and self._stubs[0].idle() and not self._output

    async def _read(self) -> None:
        reader, writer, head = self.source.reader, self.dest.writer, self._stubs[0]
        loop = asyncio.get_running_loop()
        try:
            while data := await reader.read(READ_SIZE):
                if self._direct():
                    writer.write(data)
                    await writer.drain()
                else:
                    await head.input.put(Chunk(data, loop.time()))
        except OSError:
            pass  # a reset or a failed write ends this direction like a close does, as in toxiproxy
        await head.input.put(EOF)

    async def _write(self) -> None:
        writer, end = self.dest.writer, EOF
        try:
            while not isinstance(item := await self._output.get(), End):
                writer.write(item.data)
                await writer.drain()
            end = item
        except OSError:
            pass
        self._finish(end)

    def _finish(self, end: End) -> None:
        """The stream ended: close the destination (both sockets, for a reset) and stop this link."""
        self.done = True
        if end.reset:
            self.dest.reset()
            self.source.reset()
        else:
            self.dest.close()
        self.cancel()
        self._on_done(self)

    def cancel(self) -> None:
        """Stop every task of this link except the one calling (the writer finishing)."""
        current = asyncio.current_task()
        for task in self._tasks:
            if task is not current:
                task.cancel()
        for stub in self._stubs:
            stub.cancel()

    async def add(self, toxic: NamedToxic) -> None:
        """Append a toxic; only the last stub stops, for as long as it takes to point it at the new one."""
        last = self._stubs[-1]
        if self.done or last.closed:
            return
        await last.interrupt()
        stub = self._append(toxic)
        stub.start()
        last.start()

    async def update(self, toxic: NamedToxic) -> None:
        stub = self._find(toxic.name)
        if self.done or stub is None or stub.closed:
            return
        await stub.interrupt()
        stub.configure(toxic)
        stub.start()

    async def remove(self, name: str) -> None:
        """Take a toxic out, handing what it holds and what waits for it to the next stub, in order."""
        stub = self._find(name)
        if self.done or stub is None:
            return
        index = self._stubs.index(stub)
        previous = self._stubs[index - 1]
        await stub.interrupt()
        if stub.active and stub.toxic is not None and stub.toxic.toxic.closes_on_removal:
            stub.close()
            return
        await previous.interrupt()
        for item in stub.input.take_all():
            stub.output.push(item)
        if stub.ended is not None and not stub.closed:
            stub.output.push(stub.ended)
        previous.output = stub.output
        del self._stubs[index]
        previous.start()

    def _find(self, name: str) -> Stub | None:
        return next((stub for stub in self._stubs[1:] if stub.name == name), None)
