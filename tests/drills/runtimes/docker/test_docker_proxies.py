"""The docker world's proxies, created with toxiproxy-python, here on the project's Toxiproxy-compatible fake (told
to allow addresses off loopback, as the real server does): no engine needed."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import httpx
import pytest

from drills.errors import WorldError
from drills.runtimes.docker import proxies
from drills.runtimes.docker.plan import ProxyPlan
from drills.runtimes.local.ports import free_port
from drills.world.protocol import Endpoint
from tests.fakes.toxiproxy.toxiproxy_world import ServerThread


@pytest.fixture
def server() -> Iterator[ServerThread]:
    started = ServerThread(allow_remote=True).start()
    yield started
    started.stop()


def _api(port: int) -> Endpoint:
    return Endpoint("127.0.0.1", port, f"http://127.0.0.1:{port}")


def _planned(name: str, upstream: str) -> ProxyPlan:
    port = free_port()
    return ProxyPlan(name, f"127.0.0.1:{port}", upstream, port)


def test_create_makes_every_planned_proxy(server: ServerThread) -> None:
    planned = [_planned("postgres", "postgres:5432"), _planned("mail", "mail:8000")]

    proxies.create(_api(server.port), planned)

    made = httpx.get(f"{server.url}/proxies", timeout=5.0).json()
    assert {name: (p["listen"], p["upstream"], p["enabled"]) for name, p in made.items()} == {
        p.name: (p.listen, p.upstream, True) for p in planned
    }


def test_create_leaves_a_proxy_the_server_has_as_planned(server: ServerThread) -> None:
    planned = [_planned("postgres", "postgres:5432")]
    proxies.create(_api(server.port), planned)
    toxic = {"name": "slow", "type": "latency", "attributes": {"latency": 100}}
    httpx.post(f"{server.url}/proxies/postgres/toxics", json=toxic, timeout=5.0).raise_for_status()

    proxies.create(_api(server.port), planned)

    toxics = httpx.get(f"{server.url}/proxies/postgres/toxics", timeout=5.0).json()
    assert [t["name"] for t in toxics] == ["slow"]


def test_create_says_what_the_server_refused(server: ServerThread) -> None:
    with pytest.raises(WorldError) as raised:
        proxies.create(_api(server.port), [ProxyPlan("bad", "not an address", "mail:8000", 1)])

    assert str(raised.value).startswith(f"toxiproxy at {server.url} did not create the world's proxies: ")


def test_create_gives_up_on_a_server_that_never_answers(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(proxies, "CREATE_TIMEOUT_S", 0.3)
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        port = silent.getsockname()[1]
        with pytest.raises(WorldError) as raised:
            proxies.create(_api(port), [_planned("mail", "mail:8000")])

    assert str(raised.value) == f"toxiproxy at http://127.0.0.1:{port} did not create the world's proxies within 0.3 s"
