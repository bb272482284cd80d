"""Real things for probe tests: an HTTP server of the test's own, a port that never answers, and a world.

The world is the session's real Postgres and Redis, plus endpoints of the test's own (its HTTP server as the
app) and log files in the test's own folder.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter

from drills.scenario.kinds import Probe
from drills.world.context import DrillContext
from drills.world.protocol import Endpoint, World, WorldOptions
from drills.world.spec import HealthCheck, HealthKind, ServiceKind, ServiceSpec, WorldSpec

_PROBES: TypeAdapter[Probe] = TypeAdapter(Probe)
EPOCH = 1_700_000_000.0
"""When the test world started, for every test: a fixed moment, so scenario times are fixed too."""


def make_probe(spec: Mapping[str, Any]) -> Probe:
    """A probe as a scenario file would give it."""
    return _PROBES.validate_python(spec)


@dataclass(frozen=True)
class Reply:
    """What the server answers on a path."""

    status: int = 200
    body: str = ""
    headers: Mapping[str, str] = field(default_factory=dict)
    delay_s: float = 0.0


@dataclass(frozen=True)
class Received:
    """A request the server got."""

    method: str
    path: str
    headers: dict[str, str]
    body: str


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode()
        app = self.server.app
        app.received.append(Received(self.command, self.path, dict(self.headers.items()), body))
        if app.on_request is not None:
            app.on_request()
        reply = app.replies.get(self.path.split("?")[0], Reply(404, "not found"))
        time.sleep(reply.delay_s)
        encoded = reply.body.encode()
        self.send_response(reply.status)
        for name, value in reply.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(encoded)))
        self.end_headers()
        self.wfile.write(encoded)

    do_GET = do_POST = do_PUT = do_DELETE = _answer

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: the test reads ``received`` instead."""


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    app: HttpServer


class HttpServer:
    """A real HTTP server on a free loopback port, answering what the test sets and recording what it got."""

    def __init__(self) -> None:
        self.replies: dict[str, Reply] = {}
        self.received: list[Received] = []
        self.on_request: Callable[[], None] | None = None
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.app = self
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05})
        self._thread.start()

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def answer(self, path: str, reply: Reply) -> None:
        self.replies[path] = reply

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)


@contextmanager
def silent_port() -> Iterator[int]:
    """A port where connections are accepted by the kernel and then never answered: a hung server."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    try:
        yield listener.getsockname()[1]
    finally:
        listener.close()


def closed_port() -> int:
    """A port nothing listens on (it was free a moment ago)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def with_service(context: DrillContext, name: str, port: int) -> DrillContext:
    """``context`` on a world that also has a service ``name`` on loopback ``port`` (one that is down, or hung):
    a probe may aim only at the world's own services."""
    world = context.world
    if not isinstance(world, ProbeWorld):
        raise TypeError("a probe test's world is a ProbeWorld")
    endpoint = Endpoint("127.0.0.1", port, f"http://127.0.0.1:{port}")
    return replace(context, world=replace(world, extra={**world.extra, name: endpoint}))


@dataclass
class ProbeWorld:
    """A World: the real servers of ``inner``, endpoints of the test's own, and logs in ``log_dir``."""

    inner: World
    extra: dict[str, Endpoint]
    log_dir: Path

    @property
    def name(self) -> str:
        return f"probes-{self.inner.name}"

    @property
    def spec(self) -> WorldSpec:
        own = tuple(ServiceSpec(name, ServiceKind.PYTHON, HealthCheck(HealthKind.HTTP)) for name in self.extra)
        kept = tuple(service for service in self.inner.spec.services if service.name not in self.extra)
        return WorldSpec(services=kept + own)

    @property
    def options(self) -> WorldOptions:
        return self.inner.options

    @property
    def epoch(self) -> float:
        return EPOCH

    @property
    def directory(self) -> Path:
        return self.inner.directory

    @property
    def endpoints(self) -> Mapping[str, Endpoint]:
        return {**self.inner.endpoints, **self.extra}

    @property
    def proxies(self) -> Mapping[str, Endpoint]:
        return {}

    @property
    def secrets(self) -> Mapping[str, str]:
        return self.inner.secrets

    def settings(self, service: str) -> Mapping[str, str]:
        return {} if service in self.extra else self.inner.settings(service)

    def log_path(self, service: str) -> Path:
        return self.log_dir / f"{service}.log"

    def healthy(self, service: str) -> bool:
        return self.inner.healthy(service)

    # The session's servers are shared by every test: a probe test never changes them.
    def redeploy(self, service: str, changes: Mapping[str, str | None]) -> None:
        raise NotImplementedError("probe tests only read the world")

    def stop(self, service: str) -> None:
        raise NotImplementedError("probe tests only read the world")

    def kill(self, service: str) -> None:
        raise NotImplementedError("probe tests only read the world")

    def pause(self, service: str) -> None:
        raise NotImplementedError("probe tests only read the world")

    def resume(self, service: str) -> None:
        raise NotImplementedError("probe tests only read the world")

    def start(self, service: str) -> None:
        raise NotImplementedError("probe tests only read the world")

    def restart(self, service: str) -> None:
        raise NotImplementedError("probe tests only read the world")

    def teardown(self) -> None:
        """Nothing of its own to stop: the session's servers outlive it."""
