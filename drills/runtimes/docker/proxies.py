"""The world's proxies, created on its Toxiproxy server with toxiproxy-python.

The library keeps the server's address in one class for the whole process and gives its requests no timeout, so
worlds of one process take turns with it, and each turn runs in a thread of its own that the world waits for a
bounded time.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Final

from drills.errors import WorldError
from drills.runtimes.docker.plan import ProxyPlan
from drills.world.protocol import Endpoint

CREATE_TIMEOUT_S: Final = 20.0
_TURN: Final = threading.Lock()


def create(api: Endpoint, proxies: Sequence[ProxyPlan]) -> None:
    """Creates every proxy on the server at ``api`` (one it already has as planned is left as it is)."""
    failures: list[BaseException] = []
    worker = threading.Thread(target=_populate, args=(api, proxies, failures), name="toxiproxy", daemon=True)
    worker.start()
    worker.join(CREATE_TIMEOUT_S)
    if worker.is_alive():
        raise WorldError(f"toxiproxy at {api.url} did not create the world's proxies within {CREATE_TIMEOUT_S:g} s")
    if failures:
        failure = failures[0]
        raise WorldError(
            f"toxiproxy at {api.url} did not create the world's proxies: {_described(failure)}"
        ) from failure


def _described(error: BaseException) -> str:
    """The error's name and what the server said (the library's own errors carry the answer's bytes)."""
    said = error.args[0] if error.args else ""
    text = said.decode(errors="replace") if isinstance(said, bytes) else str(said)
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


def _populate(api: Endpoint, proxies: Sequence[ProxyPlan], failures: list[BaseException]) -> None:
    from toxiproxy.server import Toxiproxy

    with _TURN:
        server = Toxiproxy()
        server.update_api_consumer(api.host, api.port)
        try:
            server.populate([proxy.as_toxiproxy() for proxy in proxies])
        except Exception as error:  # the library raises requests' errors, and its own bare Exception subclasses
            failures.append(error)
