"""The toxics of one proxy, and the open links they apply to.

Every change is made to the proxy's chains and then to each open link of that direction, all links at once,
under one lock, so two API calls never rewire a link at the same time. A link opened during a change starts
from the chains as they are when it opens; the change reaches only the links that were open before it.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from fakes.toxiproxy import errors
from fakes.toxiproxy.named_toxic import Direction, NamedToxic
from fakes.toxiproxy.toxic_input import parse_new, parse_update

if TYPE_CHECKING:
    from fakes.toxiproxy.link import Link


class ToxicCollection:
    """A proxy's toxics, upstream chain then downstream chain, each in the order they were added."""

    def __init__(self) -> None:
        self._chains: dict[Direction, list[NamedToxic]] = {direction: [] for direction in Direction}
        self._links: dict[Link, None] = {}  # an ordered set, so changes reach links in a reproducible order
        self._lock = asyncio.Lock()

    def chain(self, direction: Direction) -> list[NamedToxic]:
        return list(self._chains[direction])

    def all(self) -> list[NamedToxic]:
        return [toxic for direction in Direction for toxic in self._chains[direction]]

    def get(self, name: str) -> NamedToxic:
        toxic = next((toxic for toxic in self.all() if toxic.name == name), None)
        if toxic is None:
            raise errors.TOXIC_NOT_FOUND
        return toxic

    def _exists(self, name: str) -> bool:
        return any(toxic.name == name for toxic in self.all())

    def register(self, link: Link) -> None:
        self._links[link] = None

    def unregister(self, link: Link) -> None:
        self._links.pop(link, None)

    def _open_links(self, direction: Direction) -> list[Link]:
        return [link for link in self._links if link.direction == direction]

    async def add(self, body: bytes) -> NamedToxic:
        async with self._lock:
            toxic = parse_new(body, self._exists)
            links = self._open_links(toxic.direction)
            self._chains[toxic.direction].append(toxic)
            await asyncio.gather(*(link.add(toxic) for link in links))
            return toxic

    async def update(self, name: str, body: bytes) -> NamedToxic:
        async with self._lock:
            toxic = parse_update(body, self.get(name))
            chain = self._chains[toxic.direction]
            chain[[old.name for old in chain].index(name)] = toxic
            await asyncio.gather(*(link.update(toxic) for link in self._open_links(toxic.direction)))
            return toxic

    async def remove(self, name: str) -> None:
        async with self._lock:
            await self._remove(self.get(name))

    async def reset(self) -> None:
        """Remove every toxic, from the proxy and from its open connections."""
        async with self._lock:
            for toxic in self.all():
                await self._remove(toxic)

    async def _remove(self, toxic: NamedToxic) -> None:
        links = self._open_links(toxic.direction)
        self._chains[toxic.direction].remove(toxic)
        await asyncio.gather(*(link.remove(toxic.name) for link in links))
