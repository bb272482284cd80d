"""The messaging provider's API: ``POST /v1/messages`` sends (202 accepted), ``GET /v1/messages`` lists them, and
``GET /v1/account`` says whether the account may send now, as the provider's dashboard would.

Its ``/_control/state`` adds ``max_messages_per_recipient`` to the shared sending provider's state: the most
messages any one recipient has received, so a drill can prove that no one was messaged twice.
"""

from __future__ import annotations

import os
import random
from collections import Counter
from collections.abc import Mapping
from functools import partial

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from fakes.kit.clock import ScaledClock
from fakes.kit.settings import clock_from, integer, text
from fakes.providers.credentials import Credential
from fakes.providers.endpoints import BodyError, body_limits, text_field
from fakes.providers.faults import Faults
from fakes.providers.outbox import Outbox, Style, outbox_routes

MESSAGES_PATH = "/v1/messages"
ACCOUNT_PATH = "/v1/account"
MAX_BODY = 1600
STYLE = Style(id_prefix="sm_", accepted_status="accepted", time_field="accepted_at", key_prefix="sk_")
STATE_PATH = "/_control/state"


def messaging_state(api_key: str, clock: ScaledClock, seed: int = 0) -> Outbox:
    """A messaging provider whose valid key is ``api_key``, with nothing accepted yet."""
    faults = Faults(clock, frozenset({MESSAGES_PATH}))
    return Outbox(Credential(api_key), clock, random.Random(seed), faults, STYLE)


def state_from_env(env: Mapping[str, str] = os.environ) -> Outbox:
    """``MESSAGING_API_KEY`` (required) and the world's clock and seed."""
    return messaging_state(text("MESSAGING_API_KEY", env=env), clock_from(env), integer("DRILLBIT_SEED", 0, env))


def parse_message(body: Mapping[str, object]) -> dict[str, str]:
    """``{"to", "body"}``: a recipient, and a text of at most 1600 characters."""
    content = text_field(body, "body")
    if len(content) > MAX_BODY:
        raise BodyError(f"body must be at most {MAX_BODY} characters, not {len(content)}")
    return {"to": text_field(body, "to"), "body": content}


def max_messages_per_recipient(outbox: Outbox) -> int:
    """The most messages accepted for one recipient (``to`` compared without case, as the listing does); 0 when none."""
    counts = Counter(message.fields["to"].lower() for message in outbox.messages)
    return max(counts.values(), default=0)


async def account(outbox: Outbox, request: Request) -> Response:
    """``{"sending": "ok" | "rate_limited" | "failing", "rate_limit": {...} | null}``: open, like the listing."""
    faults = outbox.faults.view()
    sending = "rate_limited" if faults["rate_limit"] else "failing" if faults["failure"] else "ok"
    return JSONResponse({"sending": sending, "rate_limit": faults["rate_limit"]})


async def control_state(outbox: Outbox, request: Request) -> Response:
    return JSONResponse({**outbox.view(), "max_messages_per_recipient": max_messages_per_recipient(outbox)})


def create_app(state: Outbox) -> Starlette:
    shared = outbox_routes(state, parse_message, MESSAGES_PATH, MESSAGES_PATH)
    routes = [route for route in shared if route.path != STATE_PATH]
    own = [
        Route(STATE_PATH, partial(control_state, state), methods=["GET"]),
        Route(ACCOUNT_PATH, partial(account, state), methods=["GET"]),
    ]
    return Starlette(routes=[*own, *routes], middleware=[body_limits()])


def app_from_env(env: Mapping[str, str] = os.environ) -> Starlette:
    return create_app(state_from_env(env))
