"""Traffic faults: requests sent at the world in the background, at fixed ticks, until done or reverted."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from drills.clock import SystemClock, TimeScale, wait_for
from drills.errors import TargetRefusedError
from drills.faults import RevertOutcome, inject
from drills.runtimes.local.world import LocalWorld
from drills.scenario.kinds import Fault
from drills.world.context import DrillContext

pytestmark = pytest.mark.world

MakeFault = Callable[..., Fault]
WAIT_SECONDS = 5.0


@pytest.fixture
def fast_context(world: LocalWorld, tmp_path: Path) -> DrillContext:
    """Ten scenario seconds to the wall second: ``every: 1s`` is a tenth of a second."""
    return DrillContext(world, SystemClock(), TimeScale(10.0), world.epoch, tmp_path)


def _send_to(address: str) -> dict[str, Any]:
    return {
        "method": "POST",
        "url": "{mail.url}/v1/messages",
        "headers": {"Authorization": "Bearer {secrets.mail_api_key}"},
        "json": {"from": "load@drillbit.test", "to": address, "subject": "load", "text": "t"},
    }


def _delivered(world: LocalWorld, address: str) -> int:
    answer = httpx.get(f"{world.endpoints['mail'].url}/v1/mailbox", params={"to": address}, timeout=5)
    return len(answer.json()["messages"])


def test_traffic_fault_sends_every_request_at_its_tick(
    world: LocalWorld, fast_context: DrillContext, make_fault: MakeFault
) -> None:
    fault = make_fault(id="load", kind="traffic", requests=[_send_to("tick@example.test")], count=4, every="1s")
    started = time.monotonic()
    active = inject(fault, fast_context)
    done = wait_for(lambda: _delivered(world, "tick@example.test") == 4, WAIT_SECONDS, SystemClock())
    elapsed = time.monotonic() - started
    active.revert()
    assert (done, elapsed >= 0.3, active.describe()) == (
        True,
        True,
        f"4 requests, one every 1s, starting with POST {world.endpoints['mail'].url}/v1/messages; 4 sent (4 202)",
    )


def test_traffic_fault_uses_its_requests_in_turn(
    world: LocalWorld, fast_context: DrillContext, make_fault: MakeFault
) -> None:
    requests = [_send_to("first@example.test"), _send_to("second@example.test")]
    active = inject(make_fault(id="load", kind="traffic", requests=requests, count=5, every="500ms"), fast_context)
    wait_for(lambda: _delivered(world, "first@example.test") == 3, WAIT_SECONDS, SystemClock())
    active.revert()
    assert (_delivered(world, "first@example.test"), _delivered(world, "second@example.test")) == (3, 2)


def test_traffic_fault_revert_stops_the_sender(
    world: LocalWorld, fast_context: DrillContext, make_fault: MakeFault
) -> None:
    fault = make_fault(id="flood", kind="traffic", requests=[_send_to("flood@example.test")], count=1000, every="500ms")
    active = inject(fault, fast_context)
    wait_for(lambda: _delivered(world, "flood@example.test") >= 2, WAIT_SECONDS, SystemClock())
    outcome = active.try_revert()
    at_revert = _delivered(world, "flood@example.test")
    time.sleep(0.3)
    assert (outcome, _delivered(world, "flood@example.test") - at_revert, at_revert < 1000) == (
        RevertOutcome("flood", ok=True),
        0,
        True,
    )


def test_traffic_fault_aimed_outside_the_world_is_refused_before_sending(
    context: DrillContext, make_fault: MakeFault
) -> None:
    request = {"method": "GET", "url": "https://api.example.com/login"}
    with pytest.raises(TargetRefusedError) as refused:
        inject(make_fault(id="load", kind="traffic", requests=[request], count=1, every="1s"), context)
    assert str(refused.value).splitlines()[0] == (
        "https://api.example.com/login is not a service of this world (api.example.com is not a loopback address); "
        "a drill never touches anything outside its world"
    )


def test_traffic_fault_counts_what_the_world_answered(
    world: LocalWorld, fast_context: DrillContext, make_fault: MakeFault
) -> None:
    requests = [
        _send_to("answers@example.test"),
        {**_send_to("answers@example.test"), "headers": {"Authorization": "Bearer wrong"}},
    ]
    active = inject(make_fault(id="mixed", kind="traffic", requests=requests, count=4, every="1s"), fast_context)
    wait_for(lambda: active.describe().endswith("4 sent (2 202, 2 401)"), WAIT_SECONDS, SystemClock())
    active.revert()
    assert (
        active.describe() == f"4 requests, one every 1s, starting with POST {world.endpoints['mail'].url}/v1/messages;"
        " 4 sent (2 202, 2 401)"
    )


def test_traffic_fault_does_not_wait_for_slow_answers_before_the_next_tick(
    world: LocalWorld, fast_context: DrillContext, make_fault: MakeFault
) -> None:
    # Every answer is held ten minutes: a sender that waited for each would have sent one request before the wait
    # below gave up (each would time out first), while requests that go at their ticks all reach the mail server.
    api = world.endpoints["toxiproxy"].url
    toxic = {"name": "slow", "type": "latency", "attributes": {"latency": 600_000}}
    httpx.post(f"{api}/proxies/mail/toxics", json=toxic, timeout=5).raise_for_status()
    request = {**_send_to("slow@example.test"), "url": f"{world.proxies['mail'].url}/v1/messages"}
    try:
        active = inject(make_fault(id="load", kind="traffic", requests=[request], count=4, every="1s"), fast_context)
        done = wait_for(lambda: _delivered(world, "slow@example.test") == 4, WAIT_SECONDS, SystemClock())
    finally:
        httpx.delete(f"{api}/proxies/mail/toxics/slow", timeout=5)
    active.revert()
    assert (done, active.describe()) == (
        True,
        f"4 requests, one every 1s, starting with POST {request['url']}; 4 sent (4 202)",
    )


def test_traffic_fault_requests_are_rendered_when_it_goes_in_so_a_value_saved_later_cannot_re_aim_them(
    world: LocalWorld, fast_context: DrillContext, make_fault: MakeFault
) -> None:
    fast_context.save("target", world.endpoints["mail"].url)
    request = {**_send_to("moved@example.test"), "url": "{saved.target}/v1/messages"}
    active = inject(make_fault(id="load", kind="traffic", requests=[request], count=4, every="1s"), fast_context)
    wait_for(lambda: _delivered(world, "moved@example.test") >= 1, WAIT_SECONDS, SystemClock())
    fast_context.save("target", "http://mail.example.com")
    delivered_all = wait_for(lambda: _delivered(world, "moved@example.test") == 4, WAIT_SECONDS, SystemClock())
    active.revert()
    assert (delivered_all, "stopped" in active.describe()) == (True, False)
