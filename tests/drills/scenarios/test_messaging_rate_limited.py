"""messaging-rate-limited's own invariants, read on a real world: they hold after a normal campaign, and each one
breaks, naming the recipient at fault, when the protection it stands for is switched off.

The world runs with the scenario's settings (a campaign of 250 targets, at its time scale), and each invariant is
the scenario's own, read from its YAML file.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

import httpx
import psycopg
import pytest

from drills.clock import SystemClock, TimeScale
from drills.engine.runner import DrillSettings
from drills.engine.runner import world_options as scenario_world_options
from drills.probes import ProbeResult, evaluate
from drills.runtimes.local.runtime import LocalRuntime
from drills.scenario.loader import load_scenario
from drills.scenario.model import Invariant
from drills.world.context import DrillContext
from drills.world.env import connection_env
from drills.world.protocol import World, WorldOptions
from drills.world.worlds import world_spec

pytestmark = pytest.mark.world

T = TypeVar("T")

SCENARIOS = Path(__file__).parents[3] / "scenarios"
SCENARIO = load_scenario(SCENARIOS / "messaging-rate-limited.yaml")
MESSAGED_TWICE = "no target messaged twice"
SENT_REACHED_PROVIDER = "every target marked sent reached the provider"
WAIT_TIMEOUT = 60.0
NEVER_ACCEPTED = ("+15550009999", "sm_neveraccepted")


def invariant(name: str) -> Invariant:
    return next(each for each in SCENARIO.invariants if each.name == name)


def read(name: str, context: DrillContext) -> ProbeResult:
    return evaluate(invariant(name).probe, context)


def context_of(world: World) -> DrillContext:
    """A fresh drill context on ``world``, as the drill has: command probes run in the scenarios' folder."""
    return DrillContext(world, SystemClock(), TimeScale(world.options.time_scale), world.epoch, SCENARIOS)


def eventually(read: Callable[[], T | None], what: str) -> T:
    """What ``read`` answers once it answers something; fails after ``WAIT_TIMEOUT`` wall seconds."""
    deadline = time.monotonic() + WAIT_TIMEOUT
    while time.monotonic() < deadline:
        found = read()
        if found is not None:
            return found
        time.sleep(0.2)
    raise AssertionError(f"{what} within {WAIT_TIMEOUT}s")


def finished_campaign(world: World) -> dict[str, object]:
    """Campaign 1 (the world seeds it at start) once it finished."""
    headers = {"Authorization": f"Bearer {world.secrets['admin_api_key']}"}
    url = f"{world.endpoints['app'].url}/api/v1/admin/campaigns/1"

    def finished() -> dict[str, object] | None:
        answer = httpx.get(url, headers=headers, timeout=5.0)
        return answer.json() if answer.status_code == 200 and answer.json()["status"] == "finished" else None

    return eventually(finished, "campaign 1 did not finish")


def first_message(provider: str) -> dict[str, str]:
    """The first message the provider accepted, once the campaign's first batch went out."""

    def first() -> dict[str, str] | None:
        messages: list[dict[str, str]] = httpx.get(f"{provider}/v1/messages", timeout=5.0).json()["messages"]
        return messages[0] if messages else None

    return eventually(first, "the provider accepted no message")


def database(world: World) -> psycopg.Connection[tuple[object, ...]]:
    env = connection_env(world)
    return psycopg.connect(
        host=env["PGHOST"],
        port=env["PGPORT"],
        user=env["PGUSER"],
        password=env["PGPASSWORD"],
        dbname=env["PGDATABASE"],
        autocommit=True,
    )


@pytest.fixture(scope="module")
def world_name() -> str:
    return "vouchers"


@pytest.fixture(scope="module")
def world_options(deploy_home: Path) -> WorldOptions:
    """The scenario's world, its files in a folder of the module's own (read by the plugin's ``world`` fixture)."""
    return scenario_world_options(SCENARIO, DrillSettings())


@pytest.fixture(scope="module")
def campaign(world: World) -> dict[str, object]:
    return finished_campaign(world)


@pytest.fixture
def own_world(world_options: WorldOptions, drillbit_home: Path) -> Iterator[World]:
    """A world for one test: what the provider accepted cannot be taken back, so a test that breaks it has its own."""
    running = LocalRuntime().up(world_spec("vouchers"), world_options)
    try:
        yield running
    finally:
        running.teardown()


def test_messaging_rate_limited_invariants_hold_after_a_normal_campaign(
    world: World, campaign: dict[str, object]
) -> None:
    context = context_of(world)

    results = [read(name, context) for name in (MESSAGED_TWICE, SENT_REACHED_PROVIDER)]

    assert campaign["targets"] == {"pending": 0, "sent": 250, "failed": 0}
    assert [(result.held, result.output) for result in results] == [
        (True, "no recipient messaged more than once\n"),
        (True, "250 targets sent, every one at the provider\n"),
    ]


def test_messaging_rate_limited_a_target_marked_sent_that_the_provider_never_accepted_breaks_its_invariant(
    world: World, campaign: dict[str, object]
) -> None:
    recipient, message_id = NEVER_ACCEPTED
    with database(world) as conn:
        conn.execute(
            """INSERT INTO campaign_targets (campaign_id, recipient, status, attempts, next_attempt_at, message_id,
               sent_at) VALUES (1, %s, 'sent', 1, now(), %s, now())""",
            (recipient, message_id),
        )
        try:
            result = read(SENT_REACHED_PROVIDER, context_of(world))
        finally:
            conn.execute("DELETE FROM campaign_targets WHERE recipient = %s", (recipient,))

    assert (result.held, result.output) == (
        False,
        "marked sent, but the provider never accepted (recipient, message id):\n"
        f"{recipient} {message_id}\n"
        f"1 not at the provider: {recipient} {message_id}\n",
    )
    assert recipient in result.detail


def test_messaging_rate_limited_a_recipient_messaged_again_under_another_key_breaks_its_invariant(
    own_world: World,
) -> None:
    provider = own_world.endpoints["messaging"].url
    recipient = first_message(provider)["to"]
    # What an app that lost its dedupe does: the same message again, under a key of its own.
    headers = {"Authorization": f"Bearer {own_world.secrets['messaging_api_key']}", "Idempotency-Key": "lost-dedupe"}
    again = httpx.post(f"{provider}/v1/messages", json={"to": recipient, "body": "again"}, headers=headers, timeout=5.0)
    context = context_of(own_world)

    twice, reached = read(MESSAGED_TWICE, context), read(SENT_REACHED_PROVIDER, context)

    assert again.status_code == 202
    assert (twice.held, twice.output) == (
        False,
        f"{recipient} got 2 messages\n1 messaged more than once: {recipient} got 2 messages\n",
    )
    assert recipient in twice.detail
    assert reached.held is True
