"""FaultSchedule: each fault injected at its ``after``, reverted ``duration`` later, and all of them at the end."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from drills.clock import SystemClock, TimeScale
from drills.errors import DrillbitError, FaultError
from drills.faults import ActiveFault, FaultSchedule, RevertOutcome
from drills.runtimes.local.world import LocalWorld
from drills.scenario.kinds import Fault
from drills.world.context import DrillContext

pytestmark = pytest.mark.world

MakeFault = Callable[..., Fault]
WAIT_SECONDS = 10.0
RATE_LIMIT = {"retry_after_seconds": 5}


@pytest.fixture
def fast_context(world: LocalWorld, tmp_path: Path) -> DrillContext:
    """Ten scenario seconds to the wall second."""
    return DrillContext(world, SystemClock(), TimeScale(10.0), world.epoch, tmp_path)


class Journal:
    """What the schedule told its observers, with the wall time of each."""

    def __init__(self) -> None:
        self.entries: list[tuple[str, str, float]] = []
        self.outcomes: list[RevertOutcome] = []
        self.failures: list[tuple[str, str]] = []
        self._lock = threading.Lock()

    def injected(self, active: ActiveFault) -> None:
        with self._lock:
            self.entries.append(("injected", active.fault_id, time.monotonic()))

    def reverted(self, outcome: RevertOutcome) -> None:
        with self._lock:
            self.entries.append(("reverted", outcome.fault_id, time.monotonic()))
            self.outcomes.append(outcome)

    def failed(self, fault: Fault, error: DrillbitError) -> None:
        with self._lock:
            self.failures.append((fault.id, str(error)))

    def schedule(self, faults: list[Fault], context: DrillContext) -> FaultSchedule:
        return FaultSchedule(
            faults, context, on_injected=self.injected, on_reverted=self.reverted, on_failed=self.failed
        )


def _rate_limit(world: LocalWorld, provider: str) -> Any:
    return httpx.get(f"{world.endpoints[provider].url}/_control/state", timeout=5).json()["faults"]["rate_limit"]


def test_fault_schedule_injects_after_its_delay_and_reverts_after_its_duration(
    world: LocalWorld, fast_context: DrillContext, make_fault: MakeFault
) -> None:
    fault = make_fault(
        id="mail-429", kind="provider", service="mail", action="rate-limit", body=RATE_LIMIT, after="2s", duration="3s"
    )
    journal = Journal()
    schedule = journal.schedule([fault], fast_context)
    started = time.monotonic()
    schedule.start()
    finished = schedule.wait(WAIT_SECONDS)
    [(_, _, injected_at), (_, _, reverted_at)] = journal.entries
    timing = (injected_at - started >= 0.2, reverted_at - injected_at >= 0.3)
    assert (finished, timing, journal.outcomes, _rate_limit(world, "mail"), schedule.revert_all()) == (
        True,
        (True, True),
        [RevertOutcome("mail-429", ok=True)],
        None,
        [],
    )


def test_fault_schedule_revert_all_ends_faults_without_a_duration(
    world: LocalWorld, fast_context: DrillContext, make_fault: MakeFault
) -> None:
    faults = [
        make_fault(id="first", kind="provider", service="mail", action="rate-limit", body=RATE_LIMIT),
        make_fault(id="second", kind="provider", service="messaging", action="rate-limit", body=RATE_LIMIT, after="1s"),
    ]
    journal = Journal()
    schedule = journal.schedule(faults, fast_context)
    schedule.start()
    schedule.wait(WAIT_SECONDS)
    during = (_rate_limit(world, "mail") is not None, _rate_limit(world, "messaging") is not None)
    outcomes = schedule.revert_all()
    assert (during, outcomes, journal.outcomes, _rate_limit(world, "mail"), _rate_limit(world, "messaging")) == (
        (True, True),
        [RevertOutcome("second", ok=True), RevertOutcome("first", ok=True)],
        [RevertOutcome("second", ok=True), RevertOutcome("first", ok=True)],
        None,
        None,
    )


def test_fault_schedule_stopped_early_never_injects_what_was_not_due(
    world: LocalWorld, fast_context: DrillContext, make_fault: MakeFault
) -> None:
    # Due in six wall minutes: a revert_all that waited for it would run into the test's timeout.
    fault = make_fault(id="later", kind="provider", service="mail", action="rate-limit", body=RATE_LIMIT, after="1h")
    journal = Journal()
    schedule = journal.schedule([fault], fast_context)
    schedule.start()
    outcomes = schedule.revert_all()
    assert (outcomes, journal.entries, _rate_limit(world, "mail")) == ([], [], None)


def test_fault_schedule_reports_a_failed_injection_and_goes_on(
    world: LocalWorld, fast_context: DrillContext, make_fault: MakeFault
) -> None:
    faults = [
        make_fault(id="bad", kind="provider", service="mail", action="fail", body={"status": 200}),
        make_fault(id="good", kind="provider", service="messaging", action="rate-limit", body=RATE_LIMIT),
    ]
    journal = Journal()
    schedule = journal.schedule(faults, fast_context)
    schedule.start()
    schedule.wait(WAIT_SECONDS)
    injected = [fault_id for kind, fault_id, _ in journal.entries if kind == "injected"]
    failures = [(fault_id, message.splitlines()[0]) for fault_id, message in journal.failures]
    assert (injected, failures, schedule.revert_all()) == (
        ["good"],
        [
            (
                "bad",
                "injecting provider fault 'bad' failed: mail's control action fail answered 422: "
                '{"error":"invalid_fault",'
                '"error_description":"status must be an HTTP error status (400-599), not 200"}',
            )
        ],
        [RevertOutcome("good", ok=True)],
    )


def test_fault_schedule_observer_that_fails_does_not_stop_the_fault(
    world: LocalWorld, fast_context: DrillContext, make_fault: MakeFault
) -> None:
    def broken(active: ActiveFault) -> None:
        raise RuntimeError("the recorder is full")

    reverted: list[RevertOutcome] = []
    fault = make_fault(id="short", kind="provider", service="mail", action="rate-limit", body=RATE_LIMIT, duration="1s")
    schedule = FaultSchedule([fault], fast_context, on_injected=broken, on_reverted=reverted.append)
    schedule.start()
    finished = schedule.wait(WAIT_SECONDS)
    assert (finished, reverted, _rate_limit(world, "mail")) == (True, [RevertOutcome("short", ok=True)], None)


def test_fault_schedule_starts_once(fast_context: DrillContext) -> None:
    schedule = FaultSchedule([], fast_context)
    schedule.start()
    with pytest.raises(FaultError) as again:
        schedule.start()
    assert str(again.value) == "a fault schedule starts once"


def test_fault_schedule_delay_postpones_every_after(
    world: LocalWorld, fast_context: DrillContext, make_fault: MakeFault
) -> None:
    """A play's hidden delay: nothing is injected before it, and ``after`` counts from its end."""
    fault = make_fault(id="delayed", kind="provider", service="mail", action="rate-limit", body=RATE_LIMIT, after="5s")
    journal = Journal()
    schedule = journal.schedule([fault], fast_context)
    started = time.monotonic()
    schedule.start(delay=1.0)
    early = _rate_limit(world, "mail")
    finished = schedule.wait(WAIT_SECONDS)
    [(_, _, injected_at)] = journal.entries
    assert (early, finished, injected_at - started >= 1.5, schedule.revert_all()) == (
        None,
        True,
        True,
        [RevertOutcome("delayed", ok=True)],
    )
