"""Serving one toxiproxy: its HTTP API (uvicorn) and every proxy, in one process and one event loop."""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import Iterator

import uvicorn

from fakes.toxiproxy import addresses
from fakes.toxiproxy.api import create_app
from fakes.toxiproxy.state import Toxiproxy


class _ApiServer(uvicorn.Server):
    """uvicorn without signal handling of its own: whoever runs the loop decides when to stop."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


async def bind_api(host: str, port: str) -> socket.socket:
    """The API's socket, bound as toxiproxy-server binds ``-host``/``-port`` (one address, IPv4 first).

    It listens at once, so a client connecting before the API is up waits in the backlog, not refused.
    """
    sock = await addresses.listen(addresses.join_host_port(host, port))
    sock.listen(socket.SOMAXCONN)
    return sock


async def serve(state: Toxiproxy, api_socket: socket.socket, stopping: asyncio.Event) -> None:
    """Answer the API on ``api_socket`` until ``stopping`` is set; then close the API and every proxy."""
    config = uvicorn.Config(
        create_app(state),
        lifespan="on",
        log_config=None,
        log_level="warning",
        access_log=False,
        server_header=False,
    )
    server = _ApiServer(config)
    serving = asyncio.create_task(server.serve(sockets=[api_socket]))
    stop = asyncio.create_task(stopping.wait())
    await asyncio.wait([serving, stop], return_when=asyncio.FIRST_COMPLETED)
    server.should_exit = True
    stop.cancel()
    await serving
