"""Admin endpoints: the key guards every one; bad input is refused; metrics and control answer."""

from __future__ import annotations

import base64

import pytest

from tests.fakes.kit.appworld import ADMIN, ADMIN_KEY, CLIENT_SECRET, MAIL_KEY, Providers
from tests.fakes.reports.reportsworld import SCHEDULER_SECRET, ReportsApp, StartApp

pytestmark = pytest.mark.anyio

ADMIN_ENDPOINTS = [
    ("GET", "/admin/fleet-health"),
    ("GET", "/api/v1/admin/fleet-health"),
    ("GET", "/api/v1/admin/notifications"),
    ("POST", "/api/v1/admin/provider/rotate-secret"),
    ("POST", "/api/v1/admin/tenants/1/reconnect"),
    ("POST", "/api/v1/admin/tenants/1/run-report"),
]


@pytest.mark.parametrize(("method", "path"), ADMIN_ENDPOINTS)
@pytest.mark.parametrize("authorization", [None, "Bearer wrong-key", f"Token {ADMIN_KEY}", "Basic !!"])
async def test_admin_endpoint_answers_401_without_the_key(
    app: ReportsApp, method: str, path: str, authorization: str | None
) -> None:
    headers = {} if authorization is None else {"Authorization": authorization}
    answer = await app.client.request(method, path, headers=headers)
    assert (answer.status_code, answer.json(), "Basic" in answer.headers["WWW-Authenticate"]) == (
        401,
        {"error": "unauthorized"},
        True,
    )


async def test_admin_page_accepts_basic_auth_with_the_key_as_password(app: ReportsApp) -> None:
    credential = base64.b64encode(f"admin:{ADMIN_KEY}".encode()).decode()
    answer = await app.client.get("/admin/fleet-health", headers={"Authorization": f"Basic {credential}"})
    assert answer.status_code == 200


@pytest.mark.parametrize("body", [{}, {"client_secret": ""}, {"client_secret": 7}, ["cs"]])
async def test_rotate_secret_refuses_a_body_without_a_secret(app: ReportsApp, body: object) -> None:
    answer = await app.client.post("/api/v1/admin/provider/rotate-secret", json=body, headers=ADMIN)
    assert (answer.status_code, answer.json()["error"], app.state.credentials.timetracking_client_secret) == (
        400,
        "invalid_request",
        CLIENT_SECRET,
    )


async def test_notifications_filter_by_tenant_and_refuse_a_bad_id(app: ReportsApp) -> None:
    bad = await app.client.get("/api/v1/admin/notifications?tenant_id=abc", headers=ADMIN)
    empty = await app.client.get("/api/v1/admin/notifications?tenant_id=1&open=true", headers=ADMIN)
    assert [(bad.status_code, bad.json()), (empty.status_code, empty.json())] == [
        (400, {"error": "invalid_tenant_id"}),
        (200, {"notifications": []}),
    ]


async def test_admin_endpoint_answers_503_while_the_pool_is_exhausted(start_app: StartApp) -> None:
    async with start_app(db_pool_size=1, db_pool_timeout=0.3) as app:
        async with app.state.db.connection():
            blocked = await app.client.get("/api/v1/admin/notifications", headers=ADMIN)
        released = await app.client.get("/api/v1/admin/notifications", headers=ADMIN)
    assert [(a.status_code, a.json()) for a in (blocked, released)] == [
        (503, {"error": "database_unavailable"}),
        (200, {"notifications": []}),
    ]
    assert [line["path"] for line in app.events("database_unavailable")] == ["/api/v1/admin/notifications"]


async def test_metrics_count_requests_runs_and_the_pool(app: ReportsApp) -> None:
    await app.tick("2026-01-05T09:00:00Z")
    await app.tick("2026-01-05T09:00:00Z", secret="wrong")
    answer = await app.client.get("/metrics")
    lines = set(answer.text.splitlines())
    expected = {
        'drillbit_app_report_runs_total{status="sent"} 3.0',
        'drillbit_app_report_runs_total{status="skipped"} 0.0',
        'drillbit_app_http_requests_total{method="POST",route="/api/v1/internal/run-due-reports",status="200"} 1.0',
        'drillbit_app_http_requests_total{method="POST",route="/api/v1/internal/run-due-reports",status="403"} 1.0',
        "drillbit_app_db_pool_size 4.0",
        "drillbit_app_db_pool_in_use 0.0",
    }
    assert (answer.headers["content-type"].split(";")[0], expected - lines) == ("text/plain", set())


async def test_metrics_count_token_refreshes_by_outcome(app: ReportsApp, providers: Providers) -> None:
    await app.client.post("/api/v1/admin/provider/rotate-secret", json={"client_secret": "stale"}, headers=ADMIN)
    providers.wall.advance(3600)
    await app.tick("2026-01-05T10:00:00Z")
    text = (await app.client.get("/metrics")).text
    assert 'drillbit_app_token_refreshes_total{outcome="invalid_client"} 3.0' in text.splitlines()


async def test_metrics_label_routes_by_template_not_by_id(app: ReportsApp) -> None:
    await app.client.post("/api/v1/admin/tenants/2/run-report", headers=ADMIN)
    await app.client.post("/api/v1/admin/tenants/3/run-report", headers=ADMIN)
    text = (await app.client.get("/metrics")).text
    route = 'route="/api/v1/admin/tenants/{tenant_id:int}/run-report"'
    assert [line for line in text.splitlines() if route in line and "requests_total" in line] == [
        f'drillbit_app_http_requests_total{{method="POST",{route},status="200"}} 2.0'
    ]


async def test_control_state_answers_without_secrets(app: ReportsApp) -> None:
    health = await app.client.get("/_control/health")
    state = await app.client.get("/_control/state")
    secrets = [CLIENT_SECRET, MAIL_KEY, SCHEDULER_SECRET, ADMIN_KEY]
    assert (health.json(), state.json()["tenant_count"], [s for s in secrets if s in state.text]) == (
        {"status": "ok"},
        3,
        [],
    )
