"""Process faults: a service stopped, killed, paused or restarted, and running again once reverted."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest
import redis

from drills.errors import TargetRefusedError
from drills.faults import RevertOutcome, inject
from drills.runtimes.local.world import LocalWorld
from drills.scenario.kinds import Fault
from drills.world.context import DrillContext

pytestmark = pytest.mark.world

MakeFault = Callable[..., Fault]


def _mail_answer(world: LocalWorld, timeout: float = 5.0) -> int | str:
    try:
        return httpx.get(f"{world.endpoints['mail'].url}/_control/health", timeout=timeout).status_code
    except httpx.HTTPError as error:
        return type(error).__name__


def _redis_answer(world: LocalWorld) -> object:
    client = redis.Redis.from_url(world.endpoints["redis"].url, socket_timeout=5, socket_connect_timeout=5)
    try:
        return client.ping()
    except redis.RedisError as error:
        return type(error).__name__
    finally:
        client.close()


def test_process_fault_stop_takes_the_service_down_until_reverted(
    world: LocalWorld, context: DrillContext, make_fault: MakeFault
) -> None:
    active = inject(make_fault(id="mail-down", kind="process", service="mail", action="stop"), context)
    during = _mail_answer(world)
    active.revert()
    assert (active.describe(), during, _mail_answer(world)) == ("mail stopped", "ConnectError", 200)


def test_process_fault_kill_on_redis_refuses_commands_until_reverted(
    world: LocalWorld, context: DrillContext, make_fault: MakeFault
) -> None:
    active = inject(make_fault(id="redis-dies", kind="process", service="redis", action="kill"), context)
    during = _redis_answer(world)
    active.revert()
    assert (during, _redis_answer(world)) == ("ConnectionError", True)


def test_process_fault_pause_makes_the_service_hang_until_resumed(
    world: LocalWorld, context: DrillContext, make_fault: MakeFault
) -> None:
    pid = world.processes["mail"].pid
    active = inject(make_fault(id="mail-frozen", kind="process", service="mail", action="pause"), context)
    during = _mail_answer(world, timeout=0.5)
    active.revert()
    assert (during, _mail_answer(world), world.processes["mail"].pid) == ("ReadTimeout", 200, pid)


def test_process_fault_restart_gives_a_new_process_and_reverting_keeps_it(
    world: LocalWorld, context: DrillContext, make_fault: MakeFault
) -> None:
    before = world.processes["mail"].pid
    active = inject(make_fault(id="mail-bounced", kind="process", service="mail", action="restart"), context)
    restarted = world.processes["mail"].pid
    active.revert()
    assert (restarted != before, world.processes["mail"].pid, _mail_answer(world)) == (True, restarted, 200)


def test_process_fault_revert_leaves_a_service_a_responder_already_started(
    world: LocalWorld, context: DrillContext, make_fault: MakeFault
) -> None:
    active = inject(make_fault(id="mail-down", kind="process", service="mail", action="stop"), context)
    world.start("mail")
    started_by_responder = world.processes["mail"].pid
    outcomes = [active.try_revert(), active.try_revert()]
    assert (outcomes, world.processes["mail"].pid) == (
        [RevertOutcome("mail-down", ok=True), None],
        started_by_responder,
    )


def test_process_fault_on_toxiproxy_is_reverted_with_every_proxy_back(
    world: LocalWorld, context: DrillContext, make_fault: MakeFault
) -> None:
    def through_proxy() -> int | str:
        try:
            return httpx.get(f"{world.proxies['mail'].url}/_control/health", timeout=5).status_code
        except httpx.HTTPError as error:
            return type(error).__name__

    active = inject(make_fault(id="proxy-crash", kind="process", service="toxiproxy", action="kill"), context)
    during = through_proxy()
    active.revert()
    proxies = httpx.get(f"{world.endpoints['toxiproxy'].url}/proxies", timeout=5).json()
    listening = {name: proxy["listen"] for name, proxy in proxies.items()}
    assert (during, through_proxy(), listening) == (
        "ConnectError",
        200,
        {name: endpoint.address for name, endpoint in world.proxies.items()},
    )


def test_process_fault_on_a_service_outside_the_world_is_refused(context: DrillContext, make_fault: MakeFault) -> None:
    with pytest.raises(TargetRefusedError) as refused:
        inject(make_fault(id="db-down", kind="process", service="mysql", action="stop"), context)
    assert str(refused.value) == (
        "'mysql' is not a service of this world; a drill never touches anything outside its world\n"
        "Hint: its services are: app, mail, messaging, postgres, redis, scheduler, timetracking, toxiproxy"
    )
