"""Scheduled reports: the internal endpoint's guard, send-dedupe, failures and their retry."""

from __future__ import annotations

import asyncio

import pytest

from tests.fakes.kit.appworld import Providers
from tests.fakes.reports.reportsworld import SCHEDULER_SECRET, ReportsApp, StartApp

pytestmark = pytest.mark.anyio

SLOT = "2026-01-05T09:00:00Z"
SLOT_ISO = "2026-01-05T09:00:00+00:00"


def summary(due: int, sent: int = 0, failed: int = 0, skipped: int = 0, slot: str = SLOT_ISO) -> dict[str, object]:
    return {"slot": slot, "due": due, "sent": sent, "failed": failed, "skipped": skipped}


@pytest.mark.parametrize("headers", [{}, {"X-Scheduler-Secret": "not-the-secret"}, {"X-Scheduler-Secret": ""}])
async def test_run_due_reports_forbidden_without_the_shared_secret(app: ReportsApp, headers: dict[str, str]) -> None:
    answer = await app.client.post("/api/v1/internal/run-due-reports", json={"slot": SLOT}, headers=headers)
    assert (answer.status_code, answer.json(), app.events("internal_forbidden")[0]["path"]) == (
        403,
        {"error": "forbidden"},
        "/api/v1/internal/run-due-reports",
    )


async def test_run_due_reports_forbidden_sends_nothing(app: ReportsApp, providers: Providers) -> None:
    await app.tick(SLOT, secret="wrong")
    assert providers.mail.messages == []


async def test_run_due_reports_sends_each_due_tenant_one_report(app: ReportsApp, providers: Providers) -> None:
    answer = await app.tick(SLOT)
    assert (answer.status_code, answer.json()) == (200, summary(due=3, sent=3))
    assert providers.delivered() == dict.fromkeys(await app.emails(), 1)


async def test_run_due_reports_refired_slot_sends_nothing(app: ReportsApp, providers: Providers) -> None:
    await app.tick(SLOT)
    again = await app.tick(SLOT)
    assert (again.json(), providers.delivered()) == (summary(due=3, skipped=3), dict.fromkeys(await app.emails(), 1))


async def test_run_due_reports_slot_inside_the_interval_is_the_same_slot(app: ReportsApp, providers: Providers) -> None:
    await app.tick(SLOT)
    later = await app.tick("2026-01-05T09:07:30Z")
    assert (later.json(), len(providers.mail.messages)) == (summary(due=3, skipped=3), 3)


async def test_run_due_reports_two_schedulers_on_one_slot_send_once(app: ReportsApp, providers: Providers) -> None:
    first, second = await asyncio.gather(app.tick(SLOT), app.tick(SLOT))
    sent = first.json()["sent"] + second.json()["sent"]
    skipped = first.json()["skipped"] + second.json()["skipped"]
    assert (sent, skipped, providers.delivered()) == (3, 3, dict.fromkeys(await app.emails(), 1))


async def test_run_due_reports_next_slot_sends_again(app: ReportsApp, providers: Providers) -> None:
    await app.tick(SLOT)
    providers.wall.advance(900)
    answer = await app.tick("2026-01-05T09:15:00Z")
    assert (answer.json(), providers.delivered()) == (
        summary(due=3, sent=3, slot="2026-01-05T09:15:00+00:00"),
        dict.fromkeys(await app.emails(), 2),
    )


@pytest.mark.parametrize("body", [{"slot": "yesterday"}, {"slot": 42}, [1, 2]])
async def test_run_due_reports_rejects_a_malformed_slot(app: ReportsApp, body: object) -> None:
    answer = await app.client.post(
        "/api/v1/internal/run-due-reports", json=body, headers={"X-Scheduler-Secret": SCHEDULER_SECRET}
    )
    assert (answer.status_code, answer.json()["error"]) == (400, "invalid_slot")


async def test_run_due_reports_twenty_tenants_each_get_one_report(start_app: StartApp, providers: Providers) -> None:
    # How long such a tick takes is a figure of bench/world_figures.py.
    async with start_app(tenant_count=20, db_pool_size=10) as app:
        answer = await app.tick(SLOT)
        emails = await app.emails()
    assert (answer.json(), providers.delivered()) == (summary(due=20, sent=20), dict.fromkeys(emails, 1))


async def test_run_due_reports_mail_credential_expired_fails_and_notifies_once(
    app: ReportsApp, providers: Providers
) -> None:
    await providers.control("mail", "rotate-credential", {"api_key": "mk_next"})
    first = await app.tick(SLOT)
    second = await app.tick(SLOT)
    notifications = await app.notifications("report_send_failed")
    assert (first.json(), second.json()) == (summary(due=3, failed=3), summary(due=3, failed=3))
    assert sorted((n["tenant_id"], n["occurrences"], n["resolved_at"]) for n in notifications) == [
        (1, 2, None),
        (2, 2, None),
        (3, 2, None),
    ]


async def test_run_due_reports_failed_slot_is_retried_after_the_fix(app: ReportsApp, providers: Providers) -> None:
    await providers.control("mail", "rotate-credential", {"api_key": "mk_next"})
    await app.tick(SLOT)
    app.state.credentials.mail_api_key = "mk_next"
    retried = await app.tick(SLOT)
    refired = await app.tick(SLOT)
    open_notifications = [n for n in await app.notifications("report_send_failed") if n["resolved_at"] is None]
    assert (retried.json(), refired.json(), open_notifications) == (
        summary(due=3, sent=3),
        summary(due=3, skipped=3),
        [],
    )
    assert providers.delivered() == dict.fromkeys(await app.emails(), 1)


async def test_run_due_reports_records_runs_and_failures_in_fleet(app: ReportsApp, providers: Providers) -> None:
    await providers.control("mail", "rotate-credential", {"api_key": "mk_next"})
    await app.tick(SLOT)
    fleet = await app.fleet()
    assert [(t["last_run"]["status"], t["last_run"]["error"], t["failures_7d"]) for t in fleet["tenants"]] == [
        ("failed", "mail: invalid_credential", 1)
    ] * 3
    assert fleet["summary"]["failures_7d"] == 3
