"""The mail provider's API: ``POST /v1/messages`` sends, ``GET /v1/mailbox`` reads what was delivered."""

from __future__ import annotations

import os
import random
from collections.abc import Mapping

from starlette.applications import Starlette

from fakes.kit.clock import ScaledClock
from fakes.kit.settings import clock_from, integer, text
from fakes.providers.credentials import Credential
from fakes.providers.endpoints import BodyError, body_limits, text_field
from fakes.providers.faults import Faults
from fakes.providers.outbox import Outbox, Style, outbox_routes

SEND_PATH = "/v1/messages"
MAILBOX_PATH = "/v1/mailbox"
STYLE = Style(id_prefix="msg_", accepted_status="queued", time_field="delivered_at", key_prefix="mk_")


def mail_state(api_key: str, clock: ScaledClock, seed: int = 0) -> Outbox:
    """A mail provider whose valid key is ``api_key``, with nothing delivered yet."""
    faults = Faults(clock, frozenset({SEND_PATH}))
    return Outbox(Credential(api_key), clock, random.Random(seed), faults, STYLE)


def state_from_env(env: Mapping[str, str] = os.environ) -> Outbox:
    """``MAIL_API_KEY`` (required) and the world's clock and seed."""
    return mail_state(text("MAIL_API_KEY", env=env), clock_from(env), integer("DRILLBIT_SEED", 0, env))


def parse_mail(body: Mapping[str, object]) -> dict[str, str]:
    """``{"from", "to", "subject", "text"}``: two email addresses and two strings (the text may be empty)."""
    subject, content = body.get("subject"), body.get("text")
    if not isinstance(subject, str) or not isinstance(content, str):
        raise BodyError("subject and text must be strings")
    return {"from": address(body, "from"), "to": address(body, "to"), "subject": subject, "text": content}


def address(body: Mapping[str, object], name: str) -> str:
    """An email address: ``local@domain``, without spaces."""
    value = text_field(body, name)
    local, _, domain = value.rpartition("@")
    if not local or not domain or any(character.isspace() for character in value):
        raise BodyError(f"{name} must be an email address, not {value!r}")
    return value


def create_app(state: Outbox) -> Starlette:
    return Starlette(routes=outbox_routes(state, parse_mail, SEND_PATH, MAILBOX_PATH), middleware=[body_limits()])


def app_from_env(env: Mapping[str, str] = os.environ) -> Starlette:
    return create_app(state_from_env(env))
