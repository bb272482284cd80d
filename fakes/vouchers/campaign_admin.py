"""The campaigns' admin API: create a campaign, read one or all, and start, pause or resume one."""

from __future__ import annotations

import json
from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from fakes.kit.auth import admin_only
from fakes.vouchers.campaigns import (
    MAX_BODY,
    MAX_NAME,
    MAX_TARGETS,
    TransitionRefused,
    UnknownCampaign,
    campaign_views,
    create_campaign,
    transition,
)
from fakes.vouchers.state import AppState, app_state


class InvalidRequest(ValueError):
    """The request body is not a campaign; the message says which field is wrong."""


@dataclass(frozen=True)
class NewCampaign:
    """``POST /api/v1/admin/campaigns`` ``{"name", "body", "targets", "start"?}``, checked."""

    name: str
    body: str
    targets: int
    start: bool


def parse_new_campaign(raw: bytes) -> NewCampaign:
    try:
        payload = json.loads(raw or b"null")
    except ValueError:
        raise InvalidRequest("the body is not valid JSON") from None
    if not isinstance(payload, dict):
        raise InvalidRequest('expected {"name", "body", "targets", "start"?}')
    name, body, targets, start = (payload.get(key) for key in ("name", "body", "targets", "start"))
    if not isinstance(name, str) or not 1 <= len(name.strip()) <= MAX_NAME:
        raise InvalidRequest(f"name must be a non-empty string of at most {MAX_NAME} characters")
    if not isinstance(body, str) or not body.strip() or len(body) > MAX_BODY:
        raise InvalidRequest(f"body must be a non-empty string of at most {MAX_BODY} characters")
    if isinstance(targets, bool) or not isinstance(targets, int) or not 1 <= targets <= MAX_TARGETS:
        raise InvalidRequest(f"targets must be a whole number from 1 to {MAX_TARGETS}")
    if start is not None and not isinstance(start, bool):
        raise InvalidRequest("start must be true or false")
    return NewCampaign(name.strip(), body, targets, bool(start))


async def _one(state: AppState, campaign_id: int) -> Response:
    found = await campaign_views(state, campaign_id)
    if not found:
        return JSONResponse({"error": "unknown_campaign"}, status_code=404)
    return JSONResponse(found[0])


@admin_only
async def create_campaign_endpoint(request: Request) -> Response:
    """``POST /api/v1/admin/campaigns``: 201 with the campaign, its targets all pending."""
    state = app_state(request)
    try:
        new = parse_new_campaign(await request.body())
    except InvalidRequest as problem:
        return JSONResponse({"error": "invalid_request", "detail": str(problem)}, status_code=400)
    campaign_id = await create_campaign(state, new.name, new.body, new.targets, new.start)
    found = await campaign_views(state, campaign_id)
    return JSONResponse(found[0], status_code=201)


@admin_only
async def list_campaigns_endpoint(request: Request) -> Response:
    """``GET /api/v1/admin/campaigns``: ``{"campaigns": [...]}``, newest first."""
    return JSONResponse({"campaigns": await campaign_views(app_state(request))})


@admin_only
async def campaign_endpoint(request: Request) -> Response:
    """``GET /api/v1/admin/campaigns/{id}``."""
    return await _one(app_state(request), request.path_params["campaign_id"])


async def _transition(request: Request, action: str) -> Response:
    state = app_state(request)
    campaign_id: int = request.path_params["campaign_id"]
    try:
        await transition(state, campaign_id, action)
    except UnknownCampaign:
        return JSONResponse({"error": "unknown_campaign"}, status_code=404)
    except TransitionRefused as refused:
        detail = {"error": "invalid_transition", "status": refused.status, "detail": str(refused)}
        return JSONResponse(detail, status_code=409)
    return await _one(state, campaign_id)


@admin_only
async def start_endpoint(request: Request) -> Response:
    """``POST /api/v1/admin/campaigns/{id}/start``: a draft starts running."""
    return await _transition(request, "start")


@admin_only
async def pause_endpoint(request: Request) -> Response:
    """``POST /api/v1/admin/campaigns/{id}/pause``: nothing more is sent once it answers."""
    return await _transition(request, "pause")


@admin_only
async def resume_endpoint(request: Request) -> Response:
    """``POST /api/v1/admin/campaigns/{id}/resume``: runs again; a Retry-After still pending is honoured."""
    return await _transition(request, "resume")
