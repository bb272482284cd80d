"""Network faults through the world's toxiproxy: toxics on a proxy, a proxy taken down, and both undone."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import httpx
import psycopg
import pytest

from drills.errors import FaultError
from drills.faults import RevertOutcome, inject
from drills.runtimes.local.world import LocalWorld
from drills.scenario.kinds import Fault
from drills.world.context import DrillContext

pytestmark = pytest.mark.world

MakeFault = Callable[..., Fault]


def _toxics(world: LocalWorld, proxy: str) -> Any:
    return httpx.get(f"{world.endpoints['toxiproxy'].url}/proxies/{proxy}/toxics", timeout=5).json()


def _answer_through_proxy(world: LocalWorld, timeout: float = 5.0) -> int | str:
    try:
        return httpx.get(f"{world.proxies['mail'].url}/_control/health", timeout=timeout).status_code
    except httpx.HTTPError as error:
        return type(error).__name__


def test_network_fault_latency_toxic_slows_the_proxy_until_reverted(
    world: LocalWorld, context: DrillContext, make_fault: MakeFault
) -> None:
    # Ten minutes: no answer comes through while the toxic is there, and one comes once it has gone.
    latency = {"latency": 600_000}
    fault = make_fault(id="slow-mail", kind="network", proxy="mail", toxic="latency", attributes=latency)
    active = inject(fault, context)
    toxics, during = _toxics(world, "mail"), _answer_through_proxy(world, timeout=0.5)
    active.revert()
    expected = [
        {
            "attributes": {"jitter": 0, "latency": 600_000},
            "name": "slow-mail",
            "stream": "downstream",
            "toxicity": 1,
            "type": "latency",
        }
    ]
    assert (toxics, during, _answer_through_proxy(world), _toxics(world, "mail")) == (expected, "ReadTimeout", 200, [])


def test_network_fault_latency_toxic_on_postgres_slows_every_query(
    world: LocalWorld, context: DrillContext, make_fault: MakeFault
) -> None:
    fault = make_fault(id="db-slow", kind="network", proxy="postgres", toxic="latency", attributes={"latency": 300})
    connection = psycopg.connect(world.proxies["postgres"].url, connect_timeout=5, autocommit=True)

    def timed_query() -> tuple[object, float]:
        started = time.monotonic()
        row = connection.execute("SELECT 1").fetchone()
        return row, time.monotonic() - started

    with connection:
        active = inject(fault, context)
        slow, slow_seconds = timed_query()
        active.revert()
        fast, _ = timed_query()
    assert (slow, slow_seconds >= 0.3, fast, _toxics(world, "postgres")) == ((1,), True, (1,), [])


def test_network_fault_proxy_down_refuses_connections_until_reverted(
    world: LocalWorld, context: DrillContext, make_fault: MakeFault
) -> None:
    fault = make_fault(id="mail-unreachable", kind="network", proxy="mail", proxy_down=True)
    active = inject(fault, context)
    during = _answer_through_proxy(world)
    active.revert()
    assert (during, _answer_through_proxy(world), active.describe()) == (
        "ConnectError",
        200,
        "proxy mail down (every connection through it refused)",
    )


def test_network_fault_revert_is_fine_when_a_responder_already_fixed_it(
    world: LocalWorld, context: DrillContext, make_fault: MakeFault
) -> None:
    api = world.endpoints["toxiproxy"].url
    toxic = inject(
        make_fault(id="slow", kind="network", proxy="mail", toxic="latency", attributes={"latency": 50}), context
    )
    down = inject(make_fault(id="down", kind="network", proxy="redis", proxy_down=True), context)
    httpx.delete(f"{api}/proxies/mail/toxics/slow", timeout=5).raise_for_status()
    httpx.post(f"{api}/proxies/redis", json={"enabled": True}, timeout=5).raise_for_status()
    outcomes = [toxic.try_revert(), down.try_revert(), toxic.try_revert(), down.try_revert()]
    assert outcomes == [RevertOutcome("slow", ok=True), RevertOutcome("down", ok=True), None, None]


def test_network_fault_on_a_proxy_the_world_lacks_is_refused(context: DrillContext, make_fault: MakeFault) -> None:
    fault = make_fault(id="slow", kind="network", proxy="payments", toxic="latency", attributes={"latency": 50})
    with pytest.raises(FaultError) as failed:
        inject(fault, context)
    assert str(failed.value) == (
        "injecting network fault 'slow' failed: this world has no proxy named 'payments'\n"
        "Hint: its proxies are: mail, messaging, postgres, redis, timetracking"
    )


def test_network_fault_toxic_named_twice_is_refused_by_toxiproxy(context: DrillContext, make_fault: MakeFault) -> None:
    fault = make_fault(id="slow", kind="network", proxy="mail", toxic="latency", attributes={"latency": 50})
    first = inject(fault, context)
    try:
        with pytest.raises(FaultError) as failed:
            inject(fault, context)
    finally:
        first.revert()
    assert str(failed.value) == (
        "injecting network fault 'slow' failed: toxiproxy answered POST /proxies/mail/toxics with 409: "
        "toxic already exists"
    )


def test_network_fault_describes_the_toxic(context: DrillContext, make_fault: MakeFault) -> None:
    fault = make_fault(
        id="lossy",
        kind="network",
        proxy="redis",
        toxic="latency",
        attributes={"latency": 20, "jitter": 5},
        stream="upstream",
        toxicity=0.5,
    )
    active = inject(fault, context)
    active.revert()
    assert active.describe() == "latency toxic on proxy redis (upstream, toxicity 0.5, jitter=5, latency=20)"
