"""The voucher app: its campaign routes over the kit's, and what its start-up adds to the kit's.

Start-up (after the kit opened the pool and migrated) seeds a running campaign on first start when
``CAMPAIGN_SEED_TARGETS`` asks for one, then starts the campaign dispatcher in the background.
"""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.routing import Route

from fakes.kit import app
from fakes.vouchers import campaign_admin
from fakes.vouchers.campaigns import seed_campaign
from fakes.vouchers.config import settings_from_env
from fakes.vouchers.dispatcher import run_dispatcher
from fakes.vouchers.schema import NOTIFICATIONS, SCHEMA
from fakes.vouchers.state import AppState, build_state

ROUTES = [
    Route("/api/v1/admin/notifications", NOTIFICATIONS.endpoint()),
    Route("/api/v1/admin/campaigns", campaign_admin.list_campaigns_endpoint, methods=["GET"]),
    Route("/api/v1/admin/campaigns", campaign_admin.create_campaign_endpoint, methods=["POST"]),
    Route("/api/v1/admin/campaigns/{campaign_id:int}", campaign_admin.campaign_endpoint, methods=["GET"]),
    Route("/api/v1/admin/campaigns/{campaign_id:int}/start", campaign_admin.start_endpoint, methods=["POST"]),
    Route("/api/v1/admin/campaigns/{campaign_id:int}/pause", campaign_admin.pause_endpoint, methods=["POST"]),
    Route("/api/v1/admin/campaigns/{campaign_id:int}/resume", campaign_admin.resume_endpoint, methods=["POST"]),
]


def create_app(state: AppState) -> Starlette:
    return app.create_app(state, ROUTES, SCHEMA, start)


app_from_env = app.from_env(settings_from_env, build_state, create_app)
"""The app as ``python -m fakes.vouchers`` serves it, configured from its environment."""


async def start(state: AppState) -> None:
    await seed_campaign(state)
    state.spawn(run_dispatcher(state))
