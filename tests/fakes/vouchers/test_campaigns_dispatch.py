"""The campaign dispatcher against real Postgres and the real messaging fake: sends, backoff, pause, failures.

Most tests tick the dispatcher by hand (its own loop is set to an hour) and move the shared wall clock between
ticks, so nothing here sleeps to let time pass.
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import AsyncIterator, Callable
from typing import Any

import psycopg
import pytest

from fakes.vouchers.campaigns import audience
from fakes.vouchers.dispatcher import TickSummary, dispatch_tick
from fakes.vouchers.state import DispatcherStatus
from tests.fakes.kit.appworld import ADMIN, Providers
from tests.fakes.vouchers.vouchersworld import StartApp, VouchersApp

pytestmark = pytest.mark.anyio

NOW = "2026-01-05T09:00:00+00:00"
POLL_SECONDS = 0.02


@pytest.fixture
async def app(start_app: StartApp) -> AsyncIterator[VouchersApp]:
    """The dispatcher's loop set to an hour, so only the test ticks; one send at a time, so outcomes are in order."""
    async with start_app(dispatch_interval=3600.0, dispatch_concurrency=1) as running_app:
        yield running_app


async def ticks(app: VouchersApp, providers: Providers, count: int, every: float = 0.0) -> list[TickSummary]:
    """``count`` ticks, the wall clock moved on by ``every`` seconds before each."""
    done = []
    for _ in range(count):
        providers.wall.advance(every)
        done.append(await dispatch_tick(app.state))
    return done


async def targets(app: VouchersApp) -> list[tuple[str, int, str | None]]:
    rows = await app.state.db.fetch_all("SELECT status, attempts, last_error FROM campaign_targets ORDER BY id")
    return [(row["status"], row["attempts"], row["last_error"]) for row in rows]


def without_ts(line: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in line.items() if key != "ts"}


async def finished_within(app: VouchersApp, seconds: float) -> bool:
    """Whether campaign 1 finishes within ``seconds`` (wall), looking every 20 ms."""
    for _ in range(math.ceil(seconds / POLL_SECONDS)):
        if (await app.campaign(1))["status"] == "finished":
            return True
        await asyncio.sleep(POLL_SECONDS)
    return False


async def test_campaign_of_25_finishes_with_every_target_sent_once(app: VouchersApp, providers: Providers) -> None:
    await app.create_campaign(25)
    done = await ticks(app, providers, 3)
    view = await app.campaign(1)
    assert [summary.sent for summary in done] == [10, 10, 5]
    assert (view["status"], view["finished_at"], view["targets"], view["last_sent_at"]) == (
        "finished",
        NOW,
        {"pending": 0, "sent": 25, "failed": 0},
        NOW,
    )
    assert providers.texted() == dict.fromkeys(audience(25, 0), 1)
    assert [without_ts(line) for line in app.events("campaign_finished")] == [
        {"scenario_time": NOW, "event": "campaign_finished", "campaign_id": 1, "sent": 25, "failed": 0}
    ]


async def test_campaign_send_carries_the_body_and_an_idempotency_key_per_target(
    app: VouchersApp, providers: Providers
) -> None:
    await app.create_campaign(1)
    await dispatch_tick(app.state)
    replayed = await app.state.messaging.send(audience(1, 0)[0], "other body", f"campaign-1-{audience(1, 0)[0]}")
    message = providers.messaging.messages[0]
    assert (message.fields, replayed.duplicate, len(providers.messaging.messages)) == (
        {"to": audience(1, 0)[0], "body": "Your voucher: SPRING-10"},
        True,
        1,
    )


async def test_campaign_rate_limited_backs_off_until_retry_after_then_finishes(
    app: VouchersApp, providers: Providers
) -> None:
    await app.create_campaign(25)
    await providers.control("messaging", "rate-limit", {"retry_after_seconds": 60})
    first = await dispatch_tick(app.state)
    limited = await app.campaign(1)
    refused_then = dict(providers.messaging.faults.refused)
    during = await ticks(app, providers, 2, every=29.0)  # 29 s and 58 s in: still inside Retry-After
    await providers.control("messaging", "reset")
    still_backing_off = await ticks(app, providers, 1, every=1.0)
    after = await ticks(app, providers, 3, every=2.0)  # 61 s in: the backoff has passed

    assert (first.rate_limited, first.sent, refused_then) == (1, 0, {429: 1})
    assert (limited["status"], limited["last_error"], limited["backoff_until"], limited["targets"]) == (
        "running",
        "rate_limited",
        "2026-01-05T09:01:00+00:00",
        {"pending": 25, "sent": 0, "failed": 0},
    )
    assert [summary.campaigns for summary in during + still_backing_off] == [0, 0, 0]
    assert (providers.messaging.faults.refused, [summary.sent for summary in after]) == ({429: 1}, [10, 10, 5])
    assert providers.texted() == dict.fromkeys(audience(25, 0), 1)
    final = await app.campaign(1)
    assert (final["status"], final["last_error"], final["backoff_until"]) == ("finished", None, None)


async def test_campaign_rate_limited_logs_each_backoff_decision(app: VouchersApp, providers: Providers) -> None:
    await app.create_campaign(3)
    await providers.control("messaging", "rate-limit", {"retry_after_seconds": 30})
    await dispatch_tick(app.state)
    assert [without_ts(line) for line in app.events("campaign_rate_limited")] == [
        {
            "scenario_time": NOW,
            "event": "campaign_rate_limited",
            "campaign_id": 1,
            "refused": 1,
            "deferred": 2,
            "retry_after": 30.0,
            "backoff_until": "2026-01-05T09:00:30+00:00",
        }
    ]


async def test_campaign_paced_by_a_provider_limit_finishes_without_sending_in_backoff(
    app: VouchersApp, providers: Providers
) -> None:
    await app.create_campaign(25)
    await providers.control("messaging", "rate-limit", {"retry_after_seconds": 60, "limit": 10})
    done = [await dispatch_tick(app.state), *await ticks(app, providers, 12, every=10.0)]  # 2 minutes, 10 s apart
    view = await app.campaign(1)
    # 10 pass in each minute; the first refusal of a minute backs the campaign off to the minute's end.
    assert [summary.sent for summary in done] == [10, 0, 0, 0, 0, 0, 10, 0, 0, 0, 0, 0, 5]
    assert (providers.messaging.faults.refused, view["status"]) == ({429: 2}, "finished")
    assert providers.texted() == dict.fromkeys(audience(25, 0), 1)


async def test_campaign_pause_stops_sends_and_resume_continues(app: VouchersApp, providers: Providers) -> None:
    await app.create_campaign(25)
    await dispatch_tick(app.state)
    paused = await app.client.post("/api/v1/admin/campaigns/1/pause", headers=ADMIN)
    while_paused = await ticks(app, providers, 3, every=10.0)
    sent_while_paused = len(providers.messaging.messages)
    resumed = await app.client.post("/api/v1/admin/campaigns/1/resume", headers=ADMIN)
    after = await ticks(app, providers, 2, every=10.0)

    assert (paused.json()["status"], paused.json()["targets"]) == ("paused", {"pending": 15, "sent": 10, "failed": 0})
    assert ([summary.campaigns for summary in while_paused], sent_while_paused) == ([0, 0, 0], 10)
    assert (resumed.json()["status"], [summary.sent for summary in after]) == ("running", [10, 5])
    assert providers.texted() == dict.fromkeys(audience(25, 0), 1)


async def test_campaign_server_errors_exhaust_attempts_into_failed_with_a_reason(
    start_app: StartApp, providers: Providers
) -> None:
    async with start_app(dispatch_interval=3600.0, dispatch_concurrency=1, dispatch_max_attempts=3) as app:
        await app.create_campaign(4)
        await providers.control("messaging", "fail", {"status": 503})
        first = await dispatch_tick(app.state)
        too_early = await ticks(app, providers, 1, every=9.0)
        second = await ticks(app, providers, 1, every=1.0)  # 10 s after the first error
        third = await ticks(app, providers, 2, every=10.0)  # 20 s after the second
        view = await app.campaign(1)
        rows = await targets(app)
        retries = [(line["attempts"], line["retry_in"]) for line in app.events("campaign_send_retry")]

    assert [s.error for s in [first, *too_early, *second]] == [4, 0, 4]
    assert [s.failed for s in third] == [0, 4]
    assert rows == [("failed", 3, "http_503")] * 4
    assert retries == [(1, 10.0)] * 4 + [(2, 20.0)] * 4
    assert (view["status"], view["targets"], view["last_error"], view["consecutive_failures"]) == (
        "finished",
        {"pending": 0, "sent": 0, "failed": 4},
        "http_503",
        12,
    )
    assert (view["failures_recent"], providers.messaging.messages) == (12, [])


async def test_campaign_refused_credential_fails_targets_and_drops_none(app: VouchersApp, providers: Providers) -> None:
    await app.create_campaign(25)
    await dispatch_tick(app.state)
    await providers.control("messaging", "rotate-credential", {"api_key": "sk_rotated"})
    await ticks(app, providers, 2)
    counted = await app.state.db.fetch_all(
        "SELECT status, last_error, count(*) AS n FROM campaign_targets GROUP BY 1, 2 ORDER BY 1"
    )
    assert [(row["status"], row["last_error"], row["n"]) for row in counted] == [
        ("failed", "invalid_credential", 15),
        ("sent", None, 10),
    ]
    assert ((await app.campaign(1))["status"], len(providers.messaging.messages)) == ("finished", 10)


async def test_campaign_failing_raises_one_notification_resolved_when_sends_succeed(
    app: VouchersApp, providers: Providers
) -> None:
    await app.create_campaign(3)
    await providers.control("messaging", "fail", {"status": 502})
    await dispatch_tick(app.state)
    raised = await app.notifications("campaign_send_failed")
    await providers.control("messaging", "reset")
    await ticks(app, providers, 1, every=10.0)
    after = await app.notifications("campaign_send_failed")

    assert [(n["campaign_id"], n["occurrences"], n["resolved_at"]) for n in raised] == [(1, 1, None)]
    assert raised[0]["message"] == "campaign 1 (spring-vouchers): the last 3 sends failed, the latest with http_502"
    assert [(n["id"], n["resolved_at"]) for n in after] == [(raised[0]["id"], "2026-01-05T09:00:10+00:00")]
    assert (await app.campaign(1))["targets"] == {"pending": 0, "sent": 3, "failed": 0}


async def test_campaign_two_dispatchers_racing_send_each_target_once(app: VouchersApp, providers: Providers) -> None:
    await app.create_campaign(25)
    pairs = [await asyncio.gather(dispatch_tick(app.state), dispatch_tick(app.state)) for _ in range(4)]
    assert sum(summary.sent for pair in pairs for summary in pair) == 25
    assert (providers.texted(), providers.messaging.sends["replayed"]) == (dict.fromkeys(audience(25, 0), 1), 0)


async def test_campaign_two_app_replicas_send_each_target_once(start_app: StartApp, providers: Providers) -> None:
    providers.wall.run()  # the dispatchers' own loops tick on scenario time
    settings = {"dispatch_interval": 0.05}
    async with start_app(**settings) as first, start_app(**settings) as second:
        await first.create_campaign(60)
        finished = await finished_within(first, 10.0)
        both_ticked = first.state.dispatcher.ticks > 0 and second.state.dispatcher.ticks > 0
    assert (finished, providers.texted(), providers.messaging.sends["replayed"], both_ticked) == (
        True,
        dict.fromkeys(audience(60, 0), 1),
        0,
        True,
    )


async def test_campaign_targets_locked_elsewhere_are_skipped_not_awaited(
    app: VouchersApp, providers: Providers, database_url: str
) -> None:
    await app.create_campaign(13)
    async with await psycopg.AsyncConnection.connect(database_url) as other:
        await other.execute("SELECT id FROM campaign_targets WHERE id <= 3 FOR UPDATE")
        held = await dispatch_tick(app.state)
        while_held = [status for status, _, _ in await targets(app)]
    after = await dispatch_tick(app.state)
    assert (held.sent, while_held[:3], set(while_held[3:]), after.sent) == (10, ["pending"] * 3, {"sent"}, 3)


async def test_campaign_metrics_count_sends_and_pending_targets(app: VouchersApp, providers: Providers) -> None:
    await app.create_campaign(25)
    await providers.control("messaging", "rate-limit", {"retry_after_seconds": 60, "limit": 10})
    await ticks(app, providers, 2)
    text = (await app.client.get("/metrics")).text
    lines = [line for line in text.splitlines() if line.startswith("drillbit_app_campaign") and "_created" not in line]
    assert lines == [
        'drillbit_app_campaign_sends_total{outcome="sent"} 10.0',
        'drillbit_app_campaign_sends_total{outcome="rate_limited"} 1.0',
        "drillbit_app_campaign_targets_pending 15.0",
    ]


async def test_campaign_dispatcher_loop_finishes_a_campaign_and_stops_with_the_app(
    start_app: StartApp, providers: Providers
) -> None:
    providers.wall.run()  # the dispatcher's own loop ticks on scenario time
    async with start_app(dispatch_interval=0.05) as app:
        await app.create_campaign(25)
        finished = await finished_within(app, 10.0)
        dispatcher = (await app.client.get("/_control/state")).json()["dispatcher"]
    assert (finished, dispatcher["running"], dispatcher["ticks"] >= 1, dispatcher["failed_ticks"]) == (
        True,
        True,
        True,
        0,
    )
    assert (app.state.dispatcher.running, app.state.background, app.events("background_task_failed")) == (
        False,
        set(),
        [],
    )


async def test_campaign_sends_go_at_most_dispatch_concurrency_at_a_time(
    start_app: StartApp, providers: Providers
) -> None:
    providers.delays["messaging"] = 0.05
    async with start_app(dispatch_interval=3600.0, dispatch_concurrency=4) as app:
        await app.create_campaign(10)
        summary = await dispatch_tick(app.state)
    assert (summary.sent, providers.delayed["messaging"].peak) == (10, 4)


async def test_campaign_429_in_a_wave_starts_no_further_send_of_the_batch(
    start_app: StartApp, providers: Providers
) -> None:
    providers.delays["messaging"] = 0.05
    async with start_app(dispatch_interval=3600.0, dispatch_concurrency=4) as app:
        await app.create_campaign(10)
        await providers.control("messaging", "rate-limit", {"retry_after_seconds": 60})
        summary = await dispatch_tick(app.state)
        [line] = app.events("campaign_rate_limited")
    assert (summary.rate_limited, line["refused"], line["deferred"], providers.messaging.faults.refused) == (
        4,
        4,
        6,
        {429: 4},
    )


async def test_campaign_pause_waits_for_the_batch_in_flight_then_nothing_more_is_sent(
    start_app: StartApp, providers: Providers
) -> None:
    providers.delays["messaging"] = 0.05
    async with start_app(dispatch_interval=3600.0, dispatch_concurrency=2) as app:
        await app.create_campaign(25)
        tick = asyncio.create_task(dispatch_tick(app.state))
        for _ in range(400):  # at most 2 s for the batch to be in flight
            if providers.delayed["messaging"].in_flight:
                break
            await asyncio.sleep(0.005)
        paused = await app.client.post("/api/v1/admin/campaigns/1/pause", headers=ADMIN)
        sent_when_pause_answered = (len(providers.messaging.messages), providers.delayed["messaging"].in_flight)
        later = await ticks(app, providers, 2, every=10.0)
        await tick
    assert (sent_when_pause_answered, paused.json()["targets"]) == ((10, 0), {"pending": 15, "sent": 10, "failed": 0})
    assert ([summary.campaigns for summary in later], len(providers.messaging.messages)) == ([0, 0], 10)


async def dispatcher_reaches(app: VouchersApp, condition: Callable[[DispatcherStatus], bool], seconds: float) -> bool:
    for _ in range(math.ceil(seconds / POLL_SECONDS)):
        if condition(app.state.dispatcher):
            return True
        await asyncio.sleep(POLL_SECONDS)
    return False


async def test_campaign_dispatcher_survives_failing_ticks_and_says_so_once(
    start_app: StartApp, database_url: str, providers: Providers
) -> None:
    providers.wall.run()  # the dispatcher's own loop ticks on scenario time
    async with start_app(dispatch_interval=0.05) as app:
        async with await psycopg.AsyncConnection.connect(database_url, autocommit=True) as admin:
            await admin.execute("ALTER TABLE campaign_targets RENAME TO campaign_targets_away")
            failing = await dispatcher_reaches(app, lambda status: status.failed_ticks >= 3, 5.0)
            await admin.execute("ALTER TABLE campaign_targets_away RENAME TO campaign_targets")
        recovered = await dispatcher_reaches(app, lambda status: status.last_error is None, 5.0)
        await app.create_campaign(5)
        finished = await finished_within(app, 10.0)
    failed = [(line["event"], line["error"]) for line in app.events("dispatch_failed")]
    assert (failing, recovered, finished, len(app.events("dispatch_recovered"))) == (True, True, True, 1)
    assert failed == [("dispatch_failed", "UndefinedTable")]


async def test_campaign_kept_rate_limited_raises_a_notification_after_three_refused_batches(
    start_app: StartApp, providers: Providers
) -> None:
    providers.delays["messaging"] = 0.02
    async with start_app(dispatch_interval=3600.0, dispatch_concurrency=4) as app:
        await app.create_campaign(10)
        await providers.control("messaging", "rate-limit", {"retry_after_seconds": 10})
        streaks, opened = [], []
        for _ in range(3):
            await dispatch_tick(app.state)
            streaks.append((await app.campaign(1))["consecutive_failures"])
            opened.append(len(await app.notifications("campaign_send_failed")))
            providers.wall.advance(10.0)
    assert (streaks, opened, providers.messaging.faults.refused) == ([1, 2, 3], [0, 0, 1], {429: 12})
