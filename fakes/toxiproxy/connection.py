"""A proxied connection: the client's socket, the upstream's, and a link each way between them."""

from __future__ import annotations

import asyncio
import random

from fakes.toxiproxy.endpoint import Endpoint
from fakes.toxiproxy.link import Link
from fakes.toxiproxy.named_toxic import Direction
from fakes.toxiproxy.toxic_collection import ToxicCollection


class Connection:
    """Two links (client to upstream, upstream to client) that live as long as either socket is open."""

    def __init__(self, client: Endpoint, upstream: Endpoint, toxics: ToxicCollection, rng: random.Random) -> None:
        self._client = client
        self._upstream = upstream
        self._toxics = toxics
        self._finished = asyncio.Event()
        self._links = [
            Link(direction, source, dest, toxics.chain(direction), random.Random(rng.getrandbits(64)), self._link_done)
            for direction, source, dest in (
                (Direction.UPSTREAM, client, upstream),
                (Direction.DOWNSTREAM, upstream, client),
            )
        ]

    async def run(self) -> None:
        """Carry data both ways until both directions have ended."""
        for link in self._links:
            self._toxics.register(link)
            link.start()
        try:
            await self._finished.wait()
        except asyncio.CancelledError:
            self.abort()
            raise

    def _link_done(self, link: Link) -> None:
        self._toxics.unregister(link)
        if all(link.done for link in self._links):
            self._finished.set()

    def abort(self) -> None:
        """Close both sockets now and stop both links: the proxy was disabled, deleted or changed."""
        for link in self._links:
            self._toxics.unregister(link)
            link.cancel()
        self._client.abort()
        self._upstream.abort()
        self._finished.set()
