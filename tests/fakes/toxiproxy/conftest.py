"""Fixtures for the toxiproxy fake: its server in a thread, a real echo server, clients with timeouts."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
import toxiproxy

from tests.fakes.toxiproxy.toxiproxy_world import HOST, Client, EchoServer, ServerThread, address_of, api_client


@pytest.fixture
def echo_server() -> Iterator[EchoServer]:
    server = EchoServer()
    yield server
    server.close()


@pytest.fixture
def start_server() -> Iterator[Callable[..., ServerThread]]:
    """Start toxiproxy servers (seed, config, allow_remote) that are all stopped at the end of the test."""
    servers: list[ServerThread] = []

    def start(seed: int = 0, config: Path | None = None, allow_remote: bool = False) -> ServerThread:
        servers.append(ServerThread(seed, config, allow_remote).start())
        return servers[-1]

    yield start
    for server in servers:
        server.stop()


@pytest.fixture(scope="module")
def shared_server() -> Iterator[ServerThread]:
    """One server per test module: starting and stopping uvicorn costs a few tenths of a second."""
    server = ServerThread().start()
    yield server
    server.stop()


@pytest.fixture
def server(shared_server: ServerThread) -> Iterator[ServerThread]:
    """The module's server, emptied after each test through its own API (deleting a proxy closes its
    connections), so every test starts with no proxies."""
    yield shared_server
    with api_client(shared_server.url) as client:
        for name in client.get("/proxies").json():
            client.delete(f"/proxies/{name}").raise_for_status()


@pytest.fixture
def api(server: ServerThread) -> Iterator[httpx.Client]:
    with api_client(server.url) as client:
        yield client


@pytest.fixture
def toxiproxy_client(server: ServerThread) -> toxiproxy.Toxiproxy:
    """toxiproxy-python, pointed at this test's server (its address is class-wide, so set per test)."""
    client = toxiproxy.Toxiproxy()
    client.update_api_consumer(HOST, server.port)
    return client


@pytest.fixture
def connect() -> Iterator[Callable[[tuple[str, int]], Client]]:
    """Open TCP clients that are closed at the end of the test."""
    clients: list[Client] = []

    def open_client(address: tuple[str, int]) -> Client:
        clients.append(Client(address))
        return clients[-1]

    yield open_client
    for client in clients:
        client.close()


@pytest.fixture
def echo_proxy(api: httpx.Client, echo_server: EchoServer) -> tuple[str, int]:
    """A proxy named ``echo`` in front of the echo server; its address."""
    answer = api.post("/proxies", json={"name": "echo", "listen": f"{HOST}:0", "upstream": echo_server.upstream})
    return address_of(answer.json()["listen"])


@pytest.fixture
def add_toxic(api: httpx.Client) -> Callable[..., dict[str, object]]:
    """Add a toxic to the ``echo`` proxy; fails the test if the API refuses it."""

    def add(type_: str, stream: str = "downstream", toxicity: float = 1.0, **attributes: int) -> dict[str, object]:
        body = {"type": type_, "stream": stream, "toxicity": toxicity, "attributes": attributes}
        answer = api.post("/proxies/echo/toxics", json=body)
        answer.raise_for_status()
        result: dict[str, object] = answer.json()
        return result

    return add
