"""FaultSet: every fault of a drill kept, and all of them reverted newest first, whatever fails on the way."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from drills.errors import FaultError
from drills.faults import ActiveFault, FaultSet, RevertOutcome
from drills.runtimes.local.world import LocalWorld
from drills.scenario.kinds import Fault
from drills.world.context import DrillContext

pytestmark = pytest.mark.world

MakeFault = Callable[..., Fault]


def _rate_limit(world: LocalWorld, provider: str) -> Any:
    return httpx.get(f"{world.endpoints[provider].url}/_control/state", timeout=5).json()["faults"]["rate_limit"]


def _toxics(world: LocalWorld, proxy: str) -> list[str]:
    answer = httpx.get(f"{world.endpoints['toxiproxy'].url}/proxies/{proxy}/toxics", timeout=5)
    return sorted(toxic["name"] for toxic in answer.json())


class _Undo:
    """An injected fault whose undo is scripted: it records its call, then raises ``error`` if given."""

    def __init__(self, calls: list[str], name: str, error: BaseException | None = None) -> None:
        self.calls, self.name, self.error = calls, name, error

    def describe(self) -> str:
        return self.name

    def undo(self) -> None:
        self.calls.append(self.name)
        if self.error is not None:
            raise self.error


def test_fault_set_revert_all_goes_newest_first_and_reports_a_failure_without_stopping(
    world: LocalWorld, context: DrillContext, make_fault: MakeFault
) -> None:
    faults = FaultSet()
    body = {"retry_after_seconds": 5}
    faults.inject(make_fault(id="a", kind="provider", service="messaging", action="rate-limit", body=body), context)
    broken = {"action": "no-such-action"}
    faults.inject(
        make_fault(id="b", kind="provider", service="mail", action="rate-limit", body=body, revert=broken), context
    )
    toxic = {"latency": 10}
    faults.inject(make_fault(id="c", kind="network", proxy="mail", toxic="latency", attributes=toxic), context)
    heard: list[RevertOutcome] = []
    outcomes = faults.revert_all(on_reverted=heard.append)
    failure = (
        "reverting fault 'b' failed: mail's control action no-such-action answered 404: Not Found\n"
        "Hint: the control API of each fake is in docs/world.md"
    )
    expected = [RevertOutcome("c", ok=True), RevertOutcome("b", ok=False, error=failure), RevertOutcome("a", ok=True)]
    assert (outcomes, heard, _toxics(world, "mail"), _rate_limit(world, "messaging")) == (expected, expected, [], None)


def test_fault_set_is_closed_after_revert_all(world: LocalWorld, context: DrillContext, make_fault: MakeFault) -> None:
    faults = FaultSet()
    fault = make_fault(id="a", kind="provider", service="mail", action="rate-limit", body={"retry_after_seconds": 5})
    faults.inject(fault, context)
    first, second = faults.revert_all(), faults.revert_all()
    with pytest.raises(FaultError) as refused:
        faults.inject(fault, context)
    assert (first, second, str(refused.value), _rate_limit(world, "mail")) == (
        [RevertOutcome("a", ok=True)],
        [],
        "fault 'a' was not injected: the drill's faults are being reverted",
        None,
    )


def test_fault_set_revert_all_skips_faults_already_reverted(context: DrillContext, make_fault: MakeFault) -> None:
    faults = FaultSet()
    body = {"retry_after_seconds": 5}
    early = faults.inject(
        make_fault(id="early", kind="provider", service="mail", action="rate-limit", body=body), context
    )
    faults.inject(make_fault(id="late", kind="provider", service="messaging", action="rate-limit", body=body), context)
    early.revert()
    assert ([active.fault_id for active in faults.active()], faults.revert_all()) == (
        ["late"],
        [RevertOutcome("late", ok=True)],
    )


def test_fault_set_keeps_faults_injected_from_many_threads(
    world: LocalWorld, context: DrillContext, make_fault: MakeFault
) -> None:
    faults = FaultSet()
    names = [f"toxic-{number}" for number in range(6)]

    def add(name: str) -> None:
        faults.inject(
            make_fault(id=name, kind="network", proxy="mail", toxic="latency", attributes={"latency": 1}), context
        )

    threads = [threading.Thread(target=add, args=(name,)) for name in names]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    during = _toxics(world, "mail")
    outcomes = faults.revert_all()
    assert (during, sorted(outcome.fault_id for outcome in outcomes if outcome.ok), _toxics(world, "mail")) == (
        names,
        names,
        [],
    )


def test_fault_set_reverts_every_fault_before_raising_an_interrupt(make_fault: MakeFault) -> None:
    calls: list[str] = []
    faults = FaultSet()
    for name, error in (("first", None), ("second", KeyboardInterrupt()), ("third", None)):
        fault = make_fault(id=name, kind="process", service="mail", action="stop")
        faults.add(ActiveFault(fault, _Undo(calls, name, error)))
    heard: list[RevertOutcome] = []
    with pytest.raises(KeyboardInterrupt):
        faults.revert_all(on_reverted=heard.append)
    assert (calls, heard) == (
        ["third", "second", "first"],
        [
            RevertOutcome("third", ok=True),
            RevertOutcome("second", ok=False, error="interrupted: KeyboardInterrupt"),
            RevertOutcome("first", ok=True),
        ],
    )


def test_fault_set_reverts_a_fault_that_lands_after_revert_all(make_fault: MakeFault) -> None:
    calls: list[str] = []
    faults = FaultSet()
    faults.revert_all()
    late = ActiveFault(make_fault(id="late", kind="process", service="mail", action="stop"), _Undo(calls, "late"))
    with pytest.raises(FaultError) as landed:
        faults.add(late)
    assert (str(landed.value), calls, late.reverted) == (
        "fault 'late' landed after the drill's faults were reverted",
        ["late"],
        True,
    )


def test_active_fault_reverts_once_when_two_threads_race(make_fault: MakeFault) -> None:
    calls: list[str] = []
    active = ActiveFault(make_fault(id="once", kind="process", service="mail", action="stop"), _Undo(calls, "once"))
    results: list[RevertOutcome | None] = []
    threads = [threading.Thread(target=lambda: results.append(active.try_revert())) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(5)
    assert (calls, sorted(results, key=lambda outcome: outcome is None)) == (
        ["once"],
        [RevertOutcome("once", ok=True), None, None, None],
    )


def test_active_fault_turns_an_unexpected_error_into_a_fault_error(make_fault: MakeFault) -> None:
    fault = make_fault(id="odd", kind="process", service="mail", action="stop")
    active = ActiveFault(fault, _Undo([], "odd", OSError("disk full")))
    with pytest.raises(FaultError) as failed:
        active.revert()
    assert (str(failed.value), active.reverted) == ("reverting fault 'odd' failed: OSError: disk full", False)
