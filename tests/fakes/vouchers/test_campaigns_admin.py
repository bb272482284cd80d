"""The campaigns' admin API: creating, reading, starting, pausing and resuming; its guard; the seeded campaign."""

from __future__ import annotations

import re
from typing import Any

import pytest

from fakes.vouchers.campaigns import audience
from tests.fakes.kit.appworld import ADMIN
from tests.fakes.vouchers.vouchersworld import StartApp, VouchersApp

pytestmark = pytest.mark.anyio

CREATED_AT = "2026-01-05T09:00:00+00:00"


def campaign_view(campaign_id: int, status: str, pending: int, started: bool = True, **changes: Any) -> dict[str, Any]:
    return {
        "id": campaign_id,
        "name": "spring-vouchers",
        "body": "Your voucher: SPRING-10",
        "status": status,
        "created_at": CREATED_AT,
        "started_at": CREATED_AT if started else None,
        "finished_at": None,
        "last_error": None,
        "backoff_until": None,
        "targets": {"pending": pending, "sent": 0, "failed": 0},
        "failures_recent": 0,
        "consecutive_failures": 0,
        "last_sent_at": None,
        **changes,
    }


async def post(app: VouchersApp, path: str, body: object = None) -> tuple[int, Any]:
    answer = await app.client.post(f"/api/v1/admin/campaigns{path}", json=body, headers=ADMIN)
    return answer.status_code, answer.json()


async def test_campaign_create_answers_201_with_every_target_pending(app: VouchersApp) -> None:
    created = await post(app, "", {"name": "spring-vouchers", "body": "Your voucher: SPRING-10", "targets": 25})
    assert created == (201, campaign_view(1, "draft", 25, started=False))


async def test_campaign_create_with_start_runs_at_once(app: VouchersApp) -> None:
    created = await post(
        app, "", {"name": "spring-vouchers", "body": "Your voucher: SPRING-10", "targets": 2, "start": True}
    )
    assert created == (201, campaign_view(1, "running", 2))


async def test_campaign_targets_are_the_first_numbers_of_the_seeded_audience(app: VouchersApp) -> None:
    await app.create_campaign(5)
    rows = await app.state.db.fetch_all("SELECT recipient FROM campaign_targets ORDER BY id")
    assert [row["recipient"] for row in rows] == audience(5, 0)


def test_audience_is_reproducible_unique_and_grows_by_prefix() -> None:
    small, large, other = audience(20, 0), audience(2_000, 0), audience(20, 1)
    assert (large[:20] == small, len(set(large)), small == other) == (True, 2_000, False)
    assert all(re.fullmatch(r"\+1[2-9]\d{9}", number) for number in large)


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        ({"body": "hi", "targets": 1}, "name must be a non-empty string"),
        ({"name": "x", "body": "", "targets": 1}, "body must be a non-empty string of at most 1600 characters"),
        ({"name": "x", "body": "y" * 1601, "targets": 1}, "body must be a non-empty string"),
        ({"name": "x", "body": "hi", "targets": 0}, "targets must be a whole number from 1 to 100000"),
        ({"name": "x", "body": "hi", "targets": True}, "targets must be a whole number"),
        ({"name": "x", "body": "hi", "targets": 1, "start": "yes"}, "start must be true or false"),
        ([1, 2], "expected {"),
    ],
)
async def test_campaign_create_refuses_a_malformed_request(app: VouchersApp, body: object, detail: str) -> None:
    status, answer = await post(app, "", body)
    assert (status, answer["error"], answer["detail"].startswith(detail)) == (400, "invalid_request", True)


async def test_campaign_list_shows_the_newest_first(app: VouchersApp) -> None:
    await app.create_campaign(1, name="first")
    await app.create_campaign(1, name="second")
    answer = await app.client.get("/api/v1/admin/campaigns", headers=ADMIN)
    assert [(c["id"], c["name"]) for c in answer.json()["campaigns"]] == [(2, "second"), (1, "first")]


async def test_campaign_unknown_answers_404(app: VouchersApp) -> None:
    answer = await app.client.get("/api/v1/admin/campaigns/9", headers=ADMIN)
    paused = await post(app, "/9/pause")
    assert ((answer.status_code, answer.json()), paused) == ((404, {"error": "unknown_campaign"}),) * 2


async def test_campaign_start_pause_resume_move_it(app: VouchersApp) -> None:
    await app.create_campaign(3, start=False)
    moves = [await post(app, f"/1/{action}") for action in ("start", "pause", "resume")]
    assert [(status, view["status"]) for status, view in moves] == [(200, "running"), (200, "paused"), (200, "running")]
    assert [event["event"] for event in app.events("campaign_started") + app.events("campaign_paused")] == [
        "campaign_started",
        "campaign_paused",
    ]


@pytest.mark.parametrize(
    ("start", "action", "status", "detail"),
    [
        (True, "start", "running", "campaign 1 is running: only a draft campaign can be started"),
        (True, "resume", "running", "campaign 1 is running: only a paused campaign can be resumed"),
        (False, "pause", "draft", "campaign 1 is draft: only a running campaign can be paused"),
        (False, "resume", "draft", "campaign 1 is draft: only a paused campaign can be resumed"),
    ],
)
async def test_campaign_transition_that_makes_no_sense_answers_409(
    app: VouchersApp, start: bool, action: str, status: str, detail: str
) -> None:
    await app.create_campaign(1, start=start)
    refused = await post(app, f"/1/{action}")
    assert refused == (409, {"error": "invalid_transition", "status": status, "detail": detail})


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/api/v1/admin/campaigns"),
        ("POST", "/api/v1/admin/campaigns"),
        ("GET", "/api/v1/admin/campaigns/1"),
        ("POST", "/api/v1/admin/campaigns/1/start"),
        ("POST", "/api/v1/admin/campaigns/1/pause"),
        ("POST", "/api/v1/admin/campaigns/1/resume"),
    ],
)
async def test_campaign_endpoints_refuse_a_request_without_the_admin_key(
    app: VouchersApp, method: str, path: str
) -> None:
    await app.create_campaign(1)
    answer = await app.client.request(method, path, headers={"Authorization": "Bearer not-the-key"})
    assert (answer.status_code, answer.json(), (await app.campaign(1))["status"]) == (
        401,
        {"error": "unauthorized"},
        "running",
    )


async def test_campaign_seed_targets_seeds_one_running_campaign_once(start_app: StartApp) -> None:
    async with start_app(campaign_seed_targets=7, dispatch_interval=3600.0) as first:
        seeded = (await first.client.get("/api/v1/admin/campaigns", headers=ADMIN)).json()["campaigns"]
    async with start_app(campaign_seed_targets=7, dispatch_interval=3600.0) as again:
        after_restart = (await again.client.get("/api/v1/admin/campaigns", headers=ADMIN)).json()["campaigns"]
    assert [(c["id"], c["name"], c["status"], c["targets"]) for c in seeded] == [
        (1, "weekly-digest", "running", {"pending": 7, "sent": 0, "failed": 0})
    ]
    assert [c["id"] for c in after_restart] == [1]


async def test_campaign_seed_targets_zero_seeds_nothing(app: VouchersApp) -> None:
    answer = await app.client.get("/api/v1/admin/campaigns", headers=ADMIN)
    assert answer.json() == {"campaigns": []}
