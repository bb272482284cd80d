"""The time-tracking provider's HTTP API: OAuth 2 (``/oauth/authorize``, ``/oauth/token``) and timesheets."""

from __future__ import annotations

import base64
import binascii
import os
from collections.abc import Mapping
from functools import partial
from urllib.parse import parse_qsl, unquote_plus

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from fakes.providers.control import control_routes
from fakes.providers.credentials import random_secret
from fakes.providers.endpoints import (
    BodyError,
    bearer,
    body_limits,
    error,
    guarded,
    json_object,
    optional_text_field,
    text_field,
)
from fakes.providers.timetracking import timesheets as sheets
from fakes.providers.timetracking.oauth import DEFAULT_SCOPE, OAuthError, OAuthServer
from fakes.providers.timetracking.state import (
    AUTHORIZE_PATH,
    TIMESHEETS_PATH,
    TOKEN_PATH,
    TimetrackingState,
    state_from_env,
)

FORM = "application/x-www-form-urlencoded"
NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


def oauth_error(problem: OAuthError) -> Response:
    headers = {}
    if problem.code == "invalid_client":
        headers["WWW-Authenticate"] = 'Basic realm="timetracking"'
    elif problem.status == 401:
        headers["WWW-Authenticate"] = f'Bearer realm="timetracking", error="{problem.code}"'
    return error(problem.status, problem.code, problem.description, headers)


async def authorize(state: TimetrackingState, request: Request) -> Response:
    """``{"client_id", "account", "redirect_uri"?, "scope"?, "state"?}``: the owner consents at once."""
    try:
        body = await json_object(request)
        client_id, account = text_field(body, "client_id"), text_field(body, "account")
        redirect_uri, scope = optional_text_field(body, "redirect_uri"), optional_text_field(body, "scope")
        echo = optional_text_field(body, "state")
        code = state.oauth.authorize(client_id, account, redirect_uri, scope)
    except BodyError as problem:
        return error(400, "invalid_request", str(problem))
    except OAuthError as problem:
        return oauth_error(problem)
    return JSONResponse({"code": code} if echo is None else {"code": code, "state": echo})


async def token(state: TimetrackingState, request: Request) -> Response:
    """The token endpoint: authenticate the client first, then the grant."""
    try:
        form = await token_form(request)
        state.oauth.authenticate(*client_credentials(request, form))
        answer = redeem(state.oauth, form)
    except OAuthError as problem:
        state.oauth.count(problem.code)
        return oauth_error(problem)
    state.oauth.count("issued")
    return JSONResponse(answer, headers=NO_STORE)


async def token_form(request: Request) -> dict[str, str]:
    """The form of a token request; RFC 6749 wants it url-encoded, each parameter at most once."""
    if request.headers.get("Content-Type", "").split(";")[0].strip().lower() != FORM:
        raise OAuthError(400, "invalid_request", f"the body must be {FORM}")
    pairs = parse_qsl((await request.body()).decode("utf-8", "replace"), keep_blank_values=True)
    form = dict(pairs)
    if len(form) != len(pairs):
        raise OAuthError(400, "invalid_request", "a parameter is repeated")
    return form


def client_credentials(request: Request, form: Mapping[str, str]) -> tuple[str | None, str | None]:
    """From HTTP Basic (RFC 6749 2.3.1) or the form; using both is an error."""
    scheme, _, encoded = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "basic":
        return form.get("client_id"), form.get("client_secret")
    if "client_secret" in form:
        raise OAuthError(400, "invalid_request", "use one client authentication method, not two")
    try:
        client_id, colon, secret = base64.b64decode(encoded.strip(), validate=True).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        raise OAuthError(401, "invalid_client", "malformed Basic credentials") from None
    if not colon:
        raise OAuthError(401, "invalid_client", "malformed Basic credentials")
    return unquote_plus(client_id), unquote_plus(secret)


def redeem(oauth: OAuthServer, form: Mapping[str, str]) -> dict[str, object]:
    grant_type = form.get("grant_type")
    if grant_type == "authorization_code":
        return oauth.exchange_code(required(form, "code"), form.get("redirect_uri"))
    if grant_type == "refresh_token":
        return oauth.refresh(required(form, "refresh_token"))
    if not grant_type:
        raise OAuthError(400, "invalid_request", "grant_type is required")
    raise OAuthError(400, "unsupported_grant_type", f"grant_type {grant_type!r} is not supported")


def required(form: Mapping[str, str], name: str) -> str:
    value = form.get(name)
    if not value:
        raise OAuthError(400, "invalid_request", f"{name} is required")
    return value


async def timesheets(state: TimetrackingState, request: Request) -> Response:
    """``?from=ISO&to=ISO`` (inclusive dates) with a Bearer access token."""
    try:
        grant = state.oauth.check_access(bearer(request))
        if DEFAULT_SCOPE not in grant.scope.split():
            raise OAuthError(403, "insufficient_scope", f"the grant lacks scope {DEFAULT_SCOPE}")
        first = sheets.parse_day(request.query_params.get("from"), "from")
        last = sheets.parse_day(request.query_params.get("to"), "to")
        entries = sheets.entries(state.seed, grant.account, first, last)
    except OAuthError as problem:
        return oauth_error(problem)
    except sheets.RangeError as problem:
        return error(400, "invalid_request", str(problem))
    body = {"account": grant.account, "from": first.isoformat(), "to": last.isoformat(), "entries": entries}
    return JSONResponse(body)


async def control_state(state: TimetrackingState, request: Request) -> Response:
    return JSONResponse(state.view())


async def rotate_client_secret(state: TimetrackingState, request: Request) -> Response:
    """``{"client_secret"?}``: a new secret (made up when not given); the old one fails from now on."""
    try:
        new = optional_text_field(await json_object(request), "client_secret")
    except BodyError as problem:
        return error(422, "invalid_request", str(problem))
    new = new or random_secret(state.oauth.rng, "cs_")
    state.oauth.secret.rotate(new)
    return JSONResponse({"client_secret": new})


async def revoke(state: TimetrackingState, request: Request) -> Response:
    """``{"account"}``: the account withdraws its consent; every token of its grants stops working."""
    try:
        account = text_field(await json_object(request), "account")
    except BodyError as problem:
        return error(422, "invalid_request", str(problem))
    if not state.oauth.revoke(account):
        return error(404, "unknown_account", f"{account!r} never authorized the app")
    return JSONResponse({"account": account, "grant": "revoked"})


def create_app(state: TimetrackingState) -> Starlette:
    faults = state.faults
    routes = [
        Route(AUTHORIZE_PATH, guarded(faults, partial(authorize, state)), methods=["POST"]),
        Route(TOKEN_PATH, guarded(faults, partial(token, state)), methods=["POST"]),
        Route(TIMESHEETS_PATH, guarded(faults, partial(timesheets, state)), methods=["GET"]),
        Route("/_control/state", partial(control_state, state), methods=["GET"]),
        Route("/_control/rotate-client-secret", partial(rotate_client_secret, state), methods=["POST"]),
        Route("/_control/revoke", partial(revoke, state), methods=["POST"]),
        *control_routes(faults),
    ]
    return Starlette(routes=routes, middleware=[body_limits()])


def app_from_env(env: Mapping[str, str] = os.environ) -> Starlette:
    return create_app(state_from_env(env))
