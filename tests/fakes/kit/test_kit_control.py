"""What every app of the kit answers besides its health: ``/_control``, its metrics, and the admin key's guard."""

from __future__ import annotations

import io

import pytest
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from fakes.kit.app import create_app
from fakes.kit.auth import admin_only
from fakes.kit.metrics import AppMetrics
from fakes.kit.state import KitState, Wiring
from tests.fakes.kit.appworld import ADMIN, ADMIN_KEY, Providers, RunningApp, served, settings_for

pytestmark = pytest.mark.anyio


async def test_kit_control_answers_health_and_state_without_the_admin_key(app: RunningApp[KitState]) -> None:
    health = await app.client.get("/_control/health")
    state = await app.client.get("/_control/state")
    assert (health.json(), state.json(), ADMIN_KEY in state.text) == (
        {"status": "ok"},
        {
            "version": "1.0.0",
            "time_scale": 1.0,
            "scenario_time": "2026-01-05T09:00:00+00:00",
            "pool": {"size": 4, "open": 4, "in_use": 0},
            "background_tasks": 0,
        },
        False,
    )


async def test_kit_metrics_show_the_pool_and_count_requests_by_route(app: RunningApp[KitState]) -> None:
    await app.client.get("/api/v1/ready")
    await app.client.get("/no/such/page")
    lines = set((await app.client.get("/metrics")).text.splitlines())
    expected = {
        "drillbit_app_db_pool_size 4.0",
        "drillbit_app_db_pool_in_use 0.0",
        'drillbit_app_http_requests_total{method="GET",route="/api/v1/ready",status="200"} 1.0',
        'drillbit_app_http_requests_total{method="GET",route="unmatched",status="404"} 1.0',
    }
    assert expected - lines == set()


async def test_kit_start_logs_the_version_it_started(app: RunningApp[KitState]) -> None:
    assert [(line["event"], line["version"]) for line in app.events("app_started")] == [("app_started", "1.0.0")]


@admin_only
async def secret_page(request: Request) -> Response:
    return JSONResponse({"secret": "page"})


@pytest.mark.parametrize(("admin_api_key", "statuses"), [(ADMIN_KEY, [200, 401, 401]), (None, [401, 401, 401])])
async def test_kit_admin_only_lets_in_the_admin_key_alone_and_nobody_without_one(
    world_urls: dict[str, str], providers: Providers, admin_api_key: str | None, statuses: list[int]
) -> None:
    log = io.StringIO()
    settings = settings_for(**world_urls, admin_api_key=admin_api_key)
    state = KitState(settings=settings, metrics=AppMetrics(), wiring=Wiring(providers.clock, log_stream=log))
    app = create_app(state, [Route("/api/v1/admin/page", secret_page)])
    async with served(RunningApp, state, app, log) as running:
        answers = [
            await running.client.get("/api/v1/admin/page", headers=headers)
            for headers in (ADMIN, {"Authorization": "Bearer "}, {})
        ]
    assert [answer.status_code for answer in answers] == statuses
