"""``kind: traffic``: requests sent at the world from a thread of their own, as clients or an attacker would.

Request ``i`` is ``requests[i % len(requests)]``, sent at tick ``i`` of the drill's clock (``every`` in scenario
time, turned into wall time by the drill's scale) without waiting for earlier answers: up to
``CONCURRENT_REQUESTS`` are in flight at once, and beyond that a request waits its turn and goes as soon as it can
rather than drift. Every URL is checked as a target when the fault is injected (its kind's ``aims``), and again
before each request, since the world's services may have moved by then; a refused one stops the traffic.
Reverting drops the requests not yet sent and waits a bounded time for those in flight. httpx loads when a fault
goes in, not when a scenario is validated.
"""

from __future__ import annotations

import logging
import threading
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Final, Literal

from pydantic import Field

from drills.durations import format_duration
from drills.errors import DrillbitError, FaultError
from drills.faults.active import ActiveFault
from drills.faults.base import FaultBase
from drills.faults.registry import FaultKind, register
from drills.faults.timing import pause_until
from drills.language.fields import PositiveDuration
from drills.language.requests import HttpRequest
from drills.world.targets import Target, UrlTarget, check

if TYPE_CHECKING:
    import httpx

    from drills.world.context import DrillContext

REQUEST_TIMEOUT_SECONDS: Final = 5.0
# Requests in flight at once; the rest wait their turn, as they would behind a real client's connection pool.
CONCURRENT_REQUESTS: Final = 16
STOP_TIMEOUT_SECONDS: Final = REQUEST_TIMEOUT_SECONDS + 2.0

logger = logging.getLogger(__name__)


class TrafficFault(FaultBase):
    """Requests sent at the world as a client or an attacker would: ``count`` of them, one every ``every``.

    The requests are used in turn, so a few variants (accounts, source addresses) cycle through the load.
    """

    kind: Literal["traffic"]
    requests: tuple[HttpRequest, ...] = Field(min_length=1)
    count: int = Field(ge=1)
    every: PositiveDuration


def request_arguments(request: HttpRequest, context: DrillContext) -> dict[str, Any]:
    """The keyword arguments of ``httpx.Client.request`` for ``request`` (its references already resolved)."""
    url = request.url
    check(UrlTarget(url), context.world)
    arguments: dict[str, Any] = {
        "method": request.method,
        "url": url,
        "headers": dict(request.headers),
    }
    if request.body is not None:
        arguments["content"] = request.body
    elif request.form is not None:
        arguments["data"] = dict(request.form)
    elif request.given("json_body"):
        arguments["json"] = request.json_body
    return arguments


@dataclass
class TrafficSent:
    """A sender thread, and what the world answered it so far."""

    fault: TrafficFault
    context: DrillContext
    answers: Counter[str] = field(default_factory=Counter)
    stopped_because: str | None = None
    _stop: threading.Event = field(default_factory=threading.Event)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._send_all, name=f"fault-{self.fault.id}", daemon=True)
        self._thread.start()

    def finished(self, timeout: float) -> bool:
        """Waits up to ``timeout`` wall seconds for the sender to end; whether it has."""
        if self._thread is not None:
            self._thread.join(timeout)
        return self._thread is None or not self._thread.is_alive()

    def describe(self) -> str:
        first = self.fault.requests[0]
        with self._lock:
            sent = sum(self.answers.values())
            answers = ", ".join(f"{count} {answer}" for answer, count in sorted(self.answers.items()))
            stopped = self.stopped_because
        every = format_duration(self.fault.every)
        text = f"{self.fault.count} requests, one every {every}, starting with {first.method} {first.url}"
        text += f"; {sent} sent" + (f" ({answers})" if answers else "")
        return text + (f"; stopped: {stopped}" if stopped else "")

    def undo(self) -> None:
        self._stop.set()
        if not self.finished(STOP_TIMEOUT_SECONDS):
            raise FaultError(f"its sender did not stop within {STOP_TIMEOUT_SECONDS:g}s")

    def _send_all(self) -> None:
        """Sends on fixed ticks without waiting for earlier answers: clients do not queue behind each other."""
        from concurrent.futures import ThreadPoolExecutor

        import httpx

        from drills.world.tls import trusted

        clock = self.context.clock
        interval = self.context.wall_seconds(self.fault.every.total_seconds())
        start = clock.monotonic()
        requests = self.fault.requests
        limits = httpx.Limits(max_connections=CONCURRENT_REQUESTS)
        with (
            httpx.Client(trust_env=False, timeout=REQUEST_TIMEOUT_SECONDS, limits=limits, verify=trusted()) as client,
            ThreadPoolExecutor(CONCURRENT_REQUESTS, thread_name_prefix=f"traffic-{self.fault.id}") as senders,
        ):
            for tick in range(self.fault.count):
                if not pause_until(clock, start + tick * interval, self._stop) or self._refused():
                    break
                senders.submit(self._send, client, requests[tick % len(requests)])
            # Once reverted, requests still queued are dropped (those in flight finish or time out); otherwise the
            # last ones, submitted a moment ago, are still owed their turn.
            senders.shutdown(wait=True, cancel_futures=self._stop.is_set())

    def _refused(self) -> bool:
        with self._lock:
            return self.stopped_because is not None

    def _send(self, client: httpx.Client, request: HttpRequest) -> None:
        import httpx

        try:
            answer = str(client.request(**request_arguments(request, self.context)).status_code)
        except httpx.HTTPError as error:
            answer = type(error).__name__
        except DrillbitError as error:
            logger.error("traffic fault %s stopped: %s", self.fault.id, error)
            with self._lock:
                self.stopped_because = error.message
            return
        with self._lock:
            self.answers[answer] += 1


def inject(fault: TrafficFault, context: DrillContext) -> ActiveFault:
    """Starts the sender thread; the requests go out on the drill's clock until they are sent or it is reverted."""
    sent = TrafficSent(fault, context)
    sent.start()
    return ActiveFault(fault, sent)


def aims(fault: TrafficFault, context: DrillContext) -> Sequence[Target]:
    """Every request's URL (each is checked again before it is sent)."""
    return tuple(UrlTarget(request.url) for request in fault.requests)


register(FaultKind("traffic", TrafficFault, inject, aims))
