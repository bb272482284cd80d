"""The voucher app over the kit: health, its control state, its notifications' filter, and bodies past the limits."""

from __future__ import annotations

import pytest

from tests.fakes.kit.appworld import ADMIN, ADMIN_KEY, MESSAGING_KEY
from tests.fakes.vouchers.vouchersworld import VouchersApp

pytestmark = pytest.mark.anyio


async def test_vouchers_health_reports_database_and_cache_ok(app: VouchersApp) -> None:
    answer = await app.client.get("/api/v1/health")
    assert (answer.status_code, answer.json()["checks"]) == (200, {"db": {"status": "ok"}, "cache": {"status": "ok"}})


async def test_vouchers_control_state_shows_the_dispatcher_without_secrets(app: VouchersApp) -> None:
    state = await app.client.get("/_control/state")
    dispatcher = state.json()["dispatcher"]
    assert (dispatcher["running"], dispatcher["interval"], dispatcher["ticks"]) == (True, 3600.0, 0)
    assert [secret for secret in (MESSAGING_KEY, ADMIN_KEY) if secret in state.text] == []


async def test_vouchers_notifications_filter_by_campaign_and_refuse_a_bad_id(app: VouchersApp) -> None:
    bad = await app.client.get("/api/v1/admin/notifications?campaign_id=abc", headers=ADMIN)
    empty = await app.client.get("/api/v1/admin/notifications?campaign_id=1&open=true", headers=ADMIN)
    assert [(bad.status_code, bad.json()), (empty.status_code, empty.json())] == [
        (400, {"error": "invalid_campaign_id"}),
        (200, {"notifications": []}),
    ]


async def test_vouchers_refuse_a_campaign_nested_too_deep_with_400_and_create_nothing(app: VouchersApp) -> None:
    deep = b"[" * 100_000 + b"]" * 100_000
    headers = {**ADMIN, "Content-Type": "application/json"}
    answer = await app.client.post("/api/v1/admin/campaigns", content=deep, headers=headers)
    listed = await app.client.get("/api/v1/admin/campaigns", headers=ADMIN)
    assert (answer.status_code, answer.json()["error"], listed.json()) == (400, "invalid_request", {"campaigns": []})
