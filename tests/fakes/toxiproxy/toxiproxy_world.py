"""The pieces the toxiproxy tests are made of: the server in a thread, a real echo server, a TCP client.

Everything binds port 0 on 127.0.0.1 and every wait is bounded by ``WAIT``.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import threading
import time
from pathlib import Path

import httpx

from fakes.toxiproxy import Toxiproxy, bind_api, serve

HOST = "127.0.0.1"
WAIT = 5.0  # seconds any single wait in these tests may take before it fails


class EchoServer:
    """A threaded TCP echo server; remembers the size of every read and how each connection ended."""

    def __init__(self) -> None:
        self._listener = socket.create_server((HOST, 0))
        self._listener.settimeout(0.05)
        self.port: int = self._listener.getsockname()[1]
        self.reads: list[int] = []
        self.closed_by_peer = 0
        self._connections: list[socket.socket] = []
        self._running = True
        self._threads = [threading.Thread(target=self._accept, daemon=True)]
        self._threads[0].start()

    @property
    def upstream(self) -> str:
        return f"{HOST}:{self.port}"

    def _accept(self) -> None:
        while self._running:
            try:
                connection, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self._connections.append(connection)
            thread = threading.Thread(target=self._echo, args=(connection,), daemon=True)
            self._threads.append(thread)
            thread.start()

    def _echo(self, connection: socket.socket) -> None:
        connection.settimeout(WAIT * 2)
        try:
            while data := connection.recv(65536):
                self.reads.append(len(data))
                connection.sendall(data)
            self.closed_by_peer += 1
        except OSError:
            pass
        finally:
            connection.close()

    def close(self) -> None:
        self._running = False
        for connection in self._connections:
            # shutdown, unlike close, wakes the thread blocked reading this socket.
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)
            connection.close()
        self._listener.close()
        for thread in self._threads:
            thread.join(WAIT)


class ServerThread:
    """The toxiproxy fake, API and proxies, on its own event loop in a background thread."""

    def __init__(self, seed: int = 0, config: Path | None = None, allow_remote: bool = False) -> None:
        self.state = Toxiproxy(seed=seed, config=config, allow_remote=allow_remote)
        self.port = 0
        self._ready = threading.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stopping: asyncio.Event | None = None
        self._thread = threading.Thread(target=lambda: asyncio.run(self._serve()), daemon=True)

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    async def _serve(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._stopping = asyncio.Event()
        api_socket = await bind_api(HOST, "0")
        self.port = api_socket.getsockname()[1]
        self._ready.set()
        await serve(self.state, api_socket, self._stopping)

    def start(self) -> ServerThread:
        self._thread.start()
        if not self._ready.wait(WAIT):
            raise TimeoutError("the toxiproxy thread did not start")
        return self

    def stop(self) -> None:
        if self._loop is not None and self._stopping is not None:
            self._loop.call_soon_threadsafe(self._stopping.set)
        self._thread.join(WAIT)
        if self._thread.is_alive():
            raise TimeoutError("the toxiproxy thread did not stop")


class Client:
    """A TCP client of a proxy whose every read has a deadline."""

    def __init__(self, address: tuple[str, int]) -> None:
        self.sock = socket.create_connection(address, timeout=WAIT)

    def send(self, data: bytes) -> None:
        self.sock.sendall(data)

    def receive(self, size: int) -> bytes:
        """Exactly ``size`` bytes, or fewer if the connection closes first."""
        received = b""
        while len(received) < size and (data := self.sock.recv(size - len(received))):
            received += data
        return received

    def echo(self, data: bytes) -> bytes:
        self.send(data)
        return self.receive(len(data))

    def timed_echo(self, data: bytes) -> tuple[bytes, float]:
        start = time.monotonic()
        answer = self.echo(data)
        return answer, time.monotonic() - start

    def until_closed(self) -> bytes:
        """Everything until the peer closes; raises TimeoutError if it does not within WAIT."""
        received = b""
        while data := self.sock.recv(65536):
            received += data
        return received

    def close(self) -> None:
        self.sock.close()


def address_of(listen: str) -> tuple[str, int]:
    host, port = listen.rsplit(":", 1)
    return host, int(port)


def api_client(url: str) -> httpx.Client:
    return httpx.Client(base_url=url, timeout=WAIT)
