"""Tenants' OAuth connections: seeding connects them, refreshes rotate, failures are recorded and notified."""

from __future__ import annotations

import pytest

from tests.fakes.kit.appworld import ADMIN, CLIENT_SECRET, Providers
from tests.fakes.reports.reportsworld import ReportsApp, StartApp

pytestmark = pytest.mark.anyio

HOUR = 3600.0
SLOT_10 = "2026-01-05T10:00:00Z"
SLOT_10_15 = "2026-01-05T10:15:00Z"


def token_states(fleet: dict[str, object]) -> list[tuple[object, ...]]:
    tenants = fleet["tenants"]
    assert isinstance(tenants, list)
    return [(t["id"], t["connection"], t["token_state"], t["last_error"]) for t in tenants]


async def secret_rotated_at_provider_and_token_expired(app: ReportsApp, providers: Providers) -> None:
    await providers.control("timetracking", "rotate-client-secret", {"client_secret": "cs_rotated"})
    providers.wall.advance(HOUR)


async def test_start_connects_every_seeded_tenant(app: ReportsApp, providers: Providers) -> None:
    fleet = await app.fleet()
    grants = providers.timetracking.view()["accounts"]
    assert token_states(fleet) == [
        (1, "connected", "ok", None),
        (2, "connected", "ok", None),
        (3, "connected", "ok", None),
    ]
    assert sorted(grant["account"] for grant in grants) == sorted(t["account"] for t in fleet["tenants"])


async def test_restart_does_not_seed_or_connect_again(start_app: StartApp, providers: Providers) -> None:
    async with start_app():
        pass
    async with start_app(tenant_count=5) as app:
        fleet = await app.fleet()
    assert (fleet["summary"]["tenants"], providers.timetracking.view()["token_requests"]["issued"]) == (3, 3)


async def test_expired_token_is_refreshed_and_the_refresh_token_rotates(app: ReportsApp, providers: Providers) -> None:
    before = await app.state.db.fetch_all("SELECT refresh_token FROM connections ORDER BY tenant_id")
    providers.wall.advance(HOUR)
    answer = await app.tick(SLOT_10)
    after = await app.state.db.fetch_all("SELECT refresh_token FROM connections ORDER BY tenant_id")
    assert (answer.json()["sent"], providers.timetracking.view()["token_requests"]["issued"]) == (3, 6)
    assert all(old != new for old, new in zip(before, after, strict=True))


async def test_expired_token_reads_expired_before_its_refresh(app: ReportsApp, providers: Providers) -> None:
    providers.wall.advance(HOUR)
    fleet = await app.fleet()
    assert [t["token_state"] for t in fleet["tenants"]] == ["expired"] * 3


async def test_rotated_provider_secret_fails_refresh_with_invalid_client(app: ReportsApp, providers: Providers) -> None:
    await secret_rotated_at_provider_and_token_expired(app, providers)
    answer = await app.tick(SLOT_10)
    fleet = await app.fleet()
    assert answer.json() == {"slot": "2026-01-05T10:00:00+00:00", "due": 3, "sent": 0, "failed": 3, "skipped": 0}
    assert token_states(fleet) == [(i, "connected", "error", "invalid_client") for i in (1, 2, 3)]
    assert [t["last_run"]["error"] for t in fleet["tenants"]] == ["token: invalid_client"] * 3


async def test_refresh_failure_notifies_once_per_incident(app: ReportsApp, providers: Providers) -> None:
    await secret_rotated_at_provider_and_token_expired(app, providers)
    await app.tick(SLOT_10)
    providers.wall.advance(900)
    await app.tick(SLOT_10_15)
    raised = await app.notifications("token_refresh_failed")
    assert sorted((n["tenant_id"], n["occurrences"], n["resolved_at"]) for n in raised) == [
        (1, 2, None),
        (2, 2, None),
        (3, 2, None),
    ]
    assert (await app.notifications("report_send_failed"), len(app.events("notification_raised"))) == ([], 3)


async def test_rotate_secret_and_reconnect_recover_the_tenant(app: ReportsApp, providers: Providers) -> None:
    await secret_rotated_at_provider_and_token_expired(app, providers)
    await app.tick(SLOT_10)
    rotated = await app.client.post(
        "/api/v1/admin/provider/rotate-secret", json={"client_secret": "cs_rotated"}, headers=ADMIN
    )
    reconnected = await app.client.post("/api/v1/admin/tenants/1/reconnect", headers=ADMIN)
    run = await app.client.post("/api/v1/admin/tenants/1/run-report", headers=ADMIN)
    fleet = await app.fleet()
    assert (rotated.json(), reconnected.json()["connection"], reconnected.json()["token_state"]) == (
        {"status": "rotated", "provider": "timetracking"},
        "connected",
        "ok",
    )
    assert (run.json()["outcome"], run.json()["run"]["attempts"], token_states(fleet)[0]) == (
        "sent",
        2,
        (1, "connected", "ok", None),
    )


async def test_reconnect_resolves_the_tenants_notification(app: ReportsApp, providers: Providers) -> None:
    await secret_rotated_at_provider_and_token_expired(app, providers)
    await app.tick(SLOT_10)
    await app.client.post("/api/v1/admin/provider/rotate-secret", json={"client_secret": "cs_rotated"}, headers=ADMIN)
    await app.client.post("/api/v1/admin/tenants/2/reconnect", headers=ADMIN)
    raised = await app.notifications("token_refresh_failed")
    assert sorted((n["tenant_id"], n["resolved_at"] is None) for n in raised) == [(1, True), (2, False), (3, True)]


async def test_manual_run_report_respects_send_dedupe(app: ReportsApp, providers: Providers) -> None:
    first = await app.client.post("/api/v1/admin/tenants/1/run-report", headers=ADMIN)
    second = await app.client.post("/api/v1/admin/tenants/1/run-report", headers=ADMIN)
    assert (first.json()["outcome"], second.json()["outcome"], len(providers.mail.messages)) == ("sent", "skipped", 1)


async def test_reconnect_with_the_old_secret_answers_502(app: ReportsApp, providers: Providers) -> None:
    await providers.control("timetracking", "rotate-client-secret", {"client_secret": "cs_rotated"})
    answer = await app.client.post("/api/v1/admin/tenants/1/reconnect", headers=ADMIN)
    assert (answer.status_code, answer.json()) == (
        502,
        {"error": "provider_error", "provider": "timetracking", "code": "invalid_client"},
    )


async def test_admin_tenant_endpoints_answer_404_for_an_unknown_tenant(app: ReportsApp) -> None:
    reconnect = await app.client.post("/api/v1/admin/tenants/99/reconnect", headers=ADMIN)
    run = await app.client.post("/api/v1/admin/tenants/99/run-report", headers=ADMIN)
    assert [(r.status_code, r.json()) for r in (reconnect, run)] == [(404, {"error": "unknown_tenant"})] * 2


async def test_transient_refresh_failure_recovers_on_the_next_tick(app: ReportsApp, providers: Providers) -> None:
    await providers.control("timetracking", "fail", {"status": 503, "paths": ["/oauth/token"], "count": 3})
    providers.wall.advance(HOUR)
    failing = await app.tick(SLOT_10)
    providers.wall.advance(900)
    recovered = await app.tick(SLOT_10_15)
    fleet = await app.fleet()
    still_open = [n for n in await app.notifications("token_refresh_failed") if n["resolved_at"] is None]
    assert (failing.json()["failed"], recovered.json()["sent"], still_open) == (3, 3, [])
    assert token_states(fleet) == [(i, "connected", "ok", None) for i in (1, 2, 3)]


async def test_revoked_grant_disconnects_the_tenant_until_reconnected(app: ReportsApp, providers: Providers) -> None:
    account = (await app.fleet())["tenants"][0]["account"]
    await providers.control("timetracking", "revoke", {"account": account})
    failing = await app.tick("2026-01-05T09:00:00Z")
    providers.wall.advance(900)
    without_it = await app.tick("2026-01-05T09:15:00Z")
    await app.client.post("/api/v1/admin/tenants/1/reconnect", headers=ADMIN)
    providers.wall.advance(900)
    with_it = await app.tick("2026-01-05T09:30:00Z")
    assert [(a.json()["due"], a.json()["sent"], a.json()["failed"]) for a in (failing, without_it, with_it)] == [
        (3, 2, 1),
        (2, 2, 0),
        (3, 3, 0),
    ]


async def test_rotated_secret_survives_a_restart(start_app: StartApp, providers: Providers) -> None:
    async with start_app() as app:
        await app.client.post("/api/v1/admin/provider/rotate-secret", json={"client_secret": "cs_2"}, headers=ADMIN)
    async with start_app() as app:
        secret = app.state.credentials.timetracking_client_secret
    assert secret == "cs_2"


async def test_redeploy_with_a_new_secret_wins_over_an_older_rotation(start_app: StartApp) -> None:
    async with start_app() as app:
        await app.client.post("/api/v1/admin/provider/rotate-secret", json={"client_secret": "cs_2"}, headers=ADMIN)
    async with start_app(timetracking_client_secret="cs_3") as app:
        secret = app.state.credentials.timetracking_client_secret
    async with start_app(timetracking_client_secret=CLIENT_SECRET) as app:
        after_redeploy_back = app.state.credentials.timetracking_client_secret
    assert (secret, after_redeploy_back) == ("cs_3", CLIENT_SECRET)


async def test_log_lines_name_the_failure_without_secrets(app: ReportsApp, providers: Providers) -> None:
    await secret_rotated_at_provider_and_token_expired(app, providers)
    await app.tick(SLOT_10)
    await app.client.post("/api/v1/admin/provider/rotate-secret", json={"client_secret": "cs_rotated"}, headers=ADMIN)
    failures = app.events("token_refresh_failed")
    tokens = await app.state.db.fetch_all("SELECT access_token, refresh_token FROM connections")
    secrets = [CLIENT_SECRET, "cs_rotated", *(row["refresh_token"] for row in tokens)]
    assert sorted((line["tenant_id"], line["error"]) for line in failures) == [
        (1, "invalid_client"),
        (2, "invalid_client"),
        (3, "invalid_client"),
    ]
    assert [secret for secret in secrets if secret in app.log.getvalue()] == []


async def test_tenants_left_pending_at_start_are_connected_by_the_next_tick(
    start_app: StartApp, providers: Providers
) -> None:
    await providers.control("timetracking", "fail", {"status": 503, "paths": ["/oauth/token"]})
    async with start_app() as app:
        before = token_states(await app.fleet())
        await providers.control("timetracking", "reset")
        answer = await app.tick("2026-01-05T09:00:00Z")
        after = token_states(await app.fleet())
    assert before == [(i, "pending", "error", "http_503") for i in (1, 2, 3)]
    assert (answer.json()["sent"], after) == (3, [(i, "connected", "ok", None) for i in (1, 2, 3)])


async def test_failed_refresh_near_expiry_keeps_using_the_valid_token(app: ReportsApp, providers: Providers) -> None:
    await providers.control("timetracking", "fail", {"status": 503, "paths": ["/oauth/token"]})
    providers.wall.advance(HOUR - 30)
    answer = await app.tick("2026-01-05T09:45:00Z")
    fleet = await app.fleet()
    raised = await app.notifications("token_refresh_failed")
    assert (answer.json()["sent"], len(raised)) == (3, 3)
    assert token_states(fleet) == [(i, "connected", "error", "http_503") for i in (1, 2, 3)]
