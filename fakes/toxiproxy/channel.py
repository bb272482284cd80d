"""What flows between the toxics of a link, and the channels it flows through.

A link reads chunks from a socket and passes them from toxic to toxic through channels, the way toxiproxy's
goroutines pass ``StreamChunk`` values through Go channels. A stream ends with an ``End``: ``EOF`` closes the
destination, ``RESET`` resets both sockets (``reset_peer``).
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(slots=True)
class Chunk:
    """Bytes read from a socket, and when: latency is measured from ``timestamp`` (the event loop's clock)."""

    data: bytes
    timestamp: float


@dataclass(frozen=True, slots=True)
class End:
    """The end of a stream; ``reset`` ends it with a TCP reset instead of a close."""

    reset: bool


EOF = End(reset=False)
RESET = End(reset=True)

Item = Chunk | End


class Channel:
    """A FIFO of chunks with one reader and one writer at a time, holding at most ``capacity`` items.

    Cancelling ``get`` or ``put`` never loses an item: an item is taken or added only in the same step that
    returns, so a toxic can be interrupted (its task cancelled) at any ``await``.
    """

    def __init__(self, capacity: int = 1) -> None:
        self.capacity = max(capacity, 1)
        self._items: deque[Item] = deque()
        self._readable: asyncio.Future[None] | None = None
        self._writable: asyncio.Future[None] | None = None

    def __len__(self) -> int:
        return len(self._items)

    async def get(self) -> Item:
        while not self._items:
            self._readable = asyncio.get_running_loop().create_future()
            try:
                await self._readable
            finally:
                self._readable = None
        item = self._items.popleft()
        _wake(self._writable)
        return item

    async def put(self, item: Item) -> None:
        while len(self._items) >= self.capacity:
            self._writable = asyncio.get_running_loop().create_future()
            try:
                await self._writable
            finally:
                self._writable = None
        self.push(item)

    def push(self, item: Item) -> None:
        """Add an item even past capacity: for moving chunks out of a toxic being removed."""
        self._items.append(item)
        _wake(self._readable)

    def push_front(self, item: Item) -> None:
        """Give an item back to the reader first: a toxic that was interrupted while holding it."""
        self._items.appendleft(item)
        _wake(self._readable)

    def take_all(self) -> Iterable[Item]:
        items, self._items = self._items, deque()
        _wake(self._writable)
        return items


def _wake(waiter: asyncio.Future[None] | None) -> None:
    if waiter is not None and not waiter.done():
        waiter.set_result(None)
