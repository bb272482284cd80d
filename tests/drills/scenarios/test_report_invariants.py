"""Each invariant of the report scenarios (cron-secret-mismatch, oauth-refresh-failing) holds on
a healthy world and breaks, naming what went wrong, when what protects it is switched off on a real world."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import httpx
import psycopg
import pytest

from drills.clock import SystemClock, TimeScale
from drills.engine.watch import check_invariant
from drills.scenario.loader import load_scenario
from drills.scenario.model import Invariant
from drills.timeline import EventKind, TimelineRecorder
from drills.world.context import DrillContext
from drills.world.protocol import World, WorldOptions

pytestmark = pytest.mark.world

SCENARIOS = Path(__file__).parents[3] / "scenarios"
SCALE = 600.0
WAIT_SECONDS = 30.0


def invariant(scenario: str, name: str) -> Invariant:
    (found,) = [i for i in load_scenario(SCENARIOS / f"{scenario}.yaml").invariants if i.name == name]
    return found


def check(world: World, scenario: str, name: str) -> dict[str, object]:
    """One check of the scenario's own invariant, as a drill makes it: the event it puts on the timeline."""
    context = DrillContext(world, SystemClock(), TimeScale(SCALE), world.epoch, SCENARIOS)
    recorder = TimelineRecorder(time.monotonic, SCALE)
    check_invariant(invariant(scenario, name), context, recorder)
    (event,) = [event for event in recorder.events if event.kind is EventKind.INVARIANT_CHECKED]
    return dict(event.data)


def wait_for(what: str, condition: Callable[[], bool]) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {WAIT_SECONDS}s: {what}")
        time.sleep(0.2)


@pytest.fixture(scope="module")
def world_options(deploy_home: Path) -> WorldOptions:
    """Tokens live ten scenario minutes (a wall second), so a revoked grant is noticed at once."""
    return WorldOptions(seed=5, time_scale=SCALE, tenants=6, overrides={"timetracking": {"ACCESS_TOKEN_TTL": "600"}})


def mailbox(world: World) -> list[dict[str, str]]:
    answer = httpx.get(world.endpoints["mail"].url + "/v1/mailbox", timeout=5)
    messages: list[dict[str, str]] = answer.json()["messages"]
    return messages


def ticks(world: World) -> list[dict[str, object]]:
    found: list[dict[str, object]] = httpx.get(world.endpoints["scheduler"].url + "/_control/state", timeout=5).json()[
        "ticks"
    ]
    return found


def last_sent_slot(world: World) -> str:
    return max(str(tick["slot"]) for tick in ticks(world) if tick["status"] == 200)


def refused_after(world: World, slot: str) -> bool:
    last = ticks(world)[-1:]
    return bool(last) and last[0]["status"] == 403 and str(last[0]["slot"]) > slot


def scheduler_status(world: World) -> object:
    last = ticks(world)[-1:]
    return last[0]["status"] if last else None


@pytest.mark.parametrize("scenario", ["cron-secret-mismatch", "oauth-refresh-failing"])
def test_no_report_mailed_twice_holds_while_each_report_went_out_once(world: World, scenario: str) -> None:
    wait_for("the first slot's reports are mailed", lambda: len(mailbox(world)) >= 6)
    assert check(world, scenario, "no report mailed twice") == {
        "invariant": "no report mailed twice",
        "held": True,
        "detail": "exit code 0",
    }


def test_every_tenant_was_mailed_the_last_slots_report_holds_while_the_scheduler_runs(world: World) -> None:
    wait_for("a tick succeeds", lambda: scheduler_status(world) == 200)
    data = check(world, "cron-secret-mismatch", "every tenant was mailed the last slot's report")
    assert (data["held"], data.get("evidence")) == (True, None)


def test_no_tenant_lost_its_connection_holds_while_every_token_refreshes(world: World) -> None:
    data = check(world, "oauth-refresh-failing", "no tenant lost its connection")
    assert (data["held"], data["detail"]) == (True, "0 rows")


def test_no_report_mailed_twice_breaks_and_names_a_report_sent_again(world: World) -> None:
    """What an app without its send-dedupe would do: the same report again, under a new idempotency key."""
    sent = mailbox(world)[0]
    again = {key: sent[key] for key in ("from", "to", "subject", "text")}
    headers = {"Authorization": f"Bearer {world.secrets['mail_api_key']}", "Idempotency-Key": "sent-again-1"}
    assert httpx.post(world.endpoints["mail"].url + "/v1/messages", json=again, headers=headers, timeout=5).is_success

    data = check(world, "cron-secret-mismatch", "no report mailed twice")

    assert (data["held"], data["evidence"]) == (False, f"2 messages to {sent['to']}: {sent['subject']}")


def test_every_tenant_was_mailed_the_last_slots_report_breaks_and_names_them_when_ticks_are_refused(
    world: World,
) -> None:
    secret = world.settings("app")["SCHEDULER_SECRET"]
    wait_for("a tick succeeds", lambda: scheduler_status(world) == 200)
    sent = last_sent_slot(world)
    world.redeploy("scheduler", {"SCHEDULER_SECRET": "stale-secret"})
    try:
        # Refused for a slot of its own, after the last one sent: a catch-up tick of a slot already sent lost nothing.
        wait_for("a later slot's tick is refused", lambda: refused_after(world, sent))
        data = check(world, "cron-secret-mismatch", "every tenant was mailed the last slot's report")
    finally:
        world.redeploy("scheduler", {"SCHEDULER_SECRET": secret})
    evidence = str(data["evidence"]).splitlines()
    assert (data["held"], evidence[0].startswith("no report for the slot of "), len(evidence)) == (False, True, 7)
    assert all(line.startswith("reports@") for line in evidence[1:])


def test_no_tenant_lost_its_connection_breaks_and_names_the_tenant_whose_grant_was_revoked(world: World) -> None:
    """The app disconnects a tenant only when the provider refuses its grant: revoke one, and the check names it."""
    timetracking = world.endpoints["timetracking"].url
    with psycopg.connect(world.endpoints["postgres"].url, connect_timeout=5) as conn:
        row = conn.execute("SELECT name, account FROM tenants WHERE id = 1").fetchone()
    assert row is not None
    name, slug = row
    assert httpx.post(timetracking + "/_control/revoke", json={"account": slug}, timeout=5).is_success

    def disconnected() -> bool:
        httpx.post(world.endpoints["app"].url + "/api/v1/admin/tenants/1/run-report", headers=admin(world), timeout=10)
        return check(world, "oauth-refresh-failing", "no tenant lost its connection")["held"] is False

    wait_for("the app disconnects the tenant", disconnected)
    data = check(world, "oauth-refresh-failing", "no tenant lost its connection")
    assert (data["detail"], data["evidence"]) == (
        "row count: expected 0, got 1",
        f"1|{name}|disconnected|invalid_grant",
    )


def admin(world: World) -> dict[str, str]:
    return {"Authorization": f"Bearer {world.secrets['admin_api_key']}"}
