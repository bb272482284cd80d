"""The messaging provider's API: ``POST /v1/messages`` sends (202 accepted), ``GET /v1/messages`` lists them."""

from __future__ import annotations

import os
import random
from collections.abc import Mapping

from starlette.applications import Starlette

from fakes.clock import ScaledClock
from fakes.providers.credentials import Credential
from fakes.providers.endpoints import BodyError, text_field
from fakes.providers.faults import Faults
from fakes.providers.outbox import Outbox, Style, outbox_routes
from fakes.settings import clock_from, integer, text

MESSAGES_PATH = "/v1/messages"
MAX_BODY = 1600
STYLE = Style(id_prefix="sm_", accepted_status="accepted", time_field="accepted_at", key_prefix="sk_")


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


def create_app(state: Outbox) -> Starlette:
    return Starlette(routes=outbox_routes(state, parse_message, MESSAGES_PATH, MESSAGES_PATH))


def app_from_env(env: Mapping[str, str] = os.environ) -> Starlette:
    return create_app(state_from_env(env))
