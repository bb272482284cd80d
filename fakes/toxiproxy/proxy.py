"""A proxy: listens on one address, and joins every client it accepts to a new connection to its upstream.

When the upstream cannot be reached the client is accepted and then closed, as toxiproxy does: to the
client, a dependency that is down looks like a connection that opens and closes at once.
"""

from __future__ import annotations

import asyncio
import logging
import random
import socket

from fakes.toxiproxy import addresses
from fakes.toxiproxy.connection import Connection
from fakes.toxiproxy.endpoint import Endpoint
from fakes.toxiproxy.errors import ProxyError
from fakes.toxiproxy.link import READ_SIZE
from fakes.toxiproxy.toxic_collection import ToxicCollection

logger = logging.getLogger(__name__)

# Go's net.Dial has no timeout of its own; this only keeps an unanswered dial from waiting for ever.
DIAL_TIMEOUT = 30.0


class Proxy:
    """A named proxy from ``listen`` to ``upstream``, with its toxics and its open connections."""

    def __init__(self, name: str, listen: str, upstream: str, rng: random.Random) -> None:
        self.name = name
        self.listen = listen
        self.upstream = upstream
        self.enabled = False
        self.toxics = ToxicCollection()
        self._rng = rng
        self._server: asyncio.Server | None = None
        self._connections: set[Connection] = set()

    async def start(self) -> None:
        """Listen (``listen`` becomes the bound address), or raise ``ProxyError`` with Go's message."""
        sock = await addresses.listen(self.listen)
        try:
            self._server = await asyncio.start_server(
                self._accept, sock=sock, limit=READ_SIZE, backlog=socket.SOMAXCONN
            )
        except BaseException:
            sock.close()
            raise
        self.listen = addresses.bound_address(sock)
        self.enabled = True
        logger.info("Started proxy name=%s listen=%s upstream=%s", self.name, self.listen, self.upstream)

    def stop(self) -> None:
        """Stop listening (the port is free when this returns) and close every open connection."""
        if not self.enabled or self._server is None:
            return
        self.enabled = False
        self._server.close()
        self._server = None
        for connection in list(self._connections):
            connection.abort()
        logger.info("Terminated proxy name=%s", self.name)

    async def differs(self, listen: str, upstream: str) -> bool:
        """Whether another listen or upstream would be a different proxy; listen compares once resolved."""
        return self.listen != str(await addresses.resolve(listen)) or self.upstream != upstream

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        client = Endpoint(reader, writer)
        server = self._server
        rng = random.Random(self._rng.getrandbits(64))  # drawn in accept order, for reproducible runs
        upstream = await self._dial()
        if upstream is None:
            client.close()
            return
        if self._server is not server or server is None:
            client.abort()
            upstream.abort()
            return
        connection = Connection(client, upstream, self.toxics, rng)
        self._connections.add(connection)
        try:
            await connection.run()
        finally:
            self._connections.discard(connection)

    async def _dial(self) -> Endpoint | None:
        try:
            host, port = addresses.split_host_port(self.upstream)
            reader, writer = await asyncio.wait_for(asyncio.open_connection(host, port, limit=READ_SIZE), DIAL_TIMEOUT)
        except (OSError, TimeoutError, ProxyError, ValueError) as error:
            logger.warning(
                "Unable to open connection to upstream name=%s upstream=%s: %s", self.name, self.upstream, error
            )
            return None
        return Endpoint(reader, writer)
