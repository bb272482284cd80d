"""A sending provider (mail, messaging): a credential guards sends, an ``Idempotency-Key`` makes a retry safe,
and every accepted message stays listed so a test can prove what went out, and how many times."""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import partial

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from fakes.kit.clock import ScaledClock, iso
from fakes.providers.control import control_routes
from fakes.providers.credentials import Credential, random_secret
from fakes.providers.endpoints import BodyError, bearer, error, guarded, json_object, optional_text_field
from fakes.providers.faults import Faults
from fakes.providers.idempotency import IdempotencyKeyError, IdempotencyKeys, idempotency_key

Parse = Callable[[Mapping[str, object]], dict[str, str]]
SEND_OUTCOMES = ("accepted", "replayed", "invalid_credential", "invalid_message")
DENIALS = {"expired": "the credential expired", "unknown": "the credential is not recognised"}


@dataclass(frozen=True)
class Message:
    """One accepted message: its fields as sent, and when (scenario time) the provider took it."""

    id: str
    fields: dict[str, str]
    at: float


@dataclass(frozen=True)
class Style:
    """What one provider calls things: message ids, the status of an accepted message, its timestamp field."""

    id_prefix: str
    accepted_status: str
    time_field: str
    key_prefix: str


@dataclass
class Outbox:
    """The state of a sending provider: its credential, its faults, and what it accepted."""

    credential: Credential
    clock: ScaledClock
    rng: random.Random
    faults: Faults
    style: Style
    keys: IdempotencyKeys = field(default_factory=IdempotencyKeys)
    messages: list[Message] = field(default_factory=list)
    sends: dict[str, int] = field(default_factory=lambda: dict.fromkeys(SEND_OUTCOMES, 0))

    def accept(self, fields: dict[str, str]) -> Message:
        message = Message(f"{self.style.id_prefix}{self.rng.getrandbits(64):016x}", fields, self.clock.now())
        self.messages.append(message)
        return message

    def to(self, address: str | None) -> list[Message]:
        if address is None:
            return list(self.messages)
        return [message for message in self.messages if message.fields.get("to", "").lower() == address.lower()]

    def message_view(self, message: Message) -> dict[str, object]:
        return {"id": message.id, **message.fields, self.style.time_field: iso(message.at)}

    def view(self) -> dict[str, object]:
        return {
            "api_key": self.credential.current,
            "retired_keys": len(self.credential.retired),
            "messages": len(self.messages),
            "idempotency_keys": len(self.keys.answers),
            "sends": dict(self.sends),
            "faults": self.faults.view(),
        }


async def send(outbox: Outbox, parse: Parse, request: Request) -> Response:
    verdict = outbox.credential.check(bearer(request))
    if verdict != "valid":
        outbox.sends["invalid_credential"] += 1
        return error(401, "invalid_credential", DENIALS[verdict])
    try:
        key = idempotency_key(request)
        fields = parse(await json_object(request))
    except (BodyError, IdempotencyKeyError) as problem:
        outbox.sends["invalid_message"] += 1
        return error(422, "invalid_message", str(problem))
    replay = outbox.keys.replay(key)
    if replay is not None:
        outbox.sends["replayed"] += 1
        return replay
    answer: dict[str, object] = {"id": outbox.accept(fields).id, "status": outbox.style.accepted_status}
    outbox.keys.remember(key, answer)
    outbox.sends["accepted"] += 1
    return JSONResponse(answer, status_code=202)


async def listing(outbox: Outbox, request: Request) -> Response:
    """Every accepted message, or those to ``?to=``: the provider's log, open like a dashboard."""
    messages = outbox.to(request.query_params.get("to"))
    return JSONResponse({"messages": [outbox.message_view(message) for message in messages]})


async def state(outbox: Outbox, request: Request) -> Response:
    return JSONResponse(outbox.view())


async def rotate_credential(outbox: Outbox, request: Request) -> Response:
    """``{"api_key"?}``: a new credential (made up when not given); the old one answers 401 from now on."""
    try:
        new = optional_text_field(await json_object(request), "api_key")
    except BodyError as problem:
        return error(422, "invalid_request", str(problem))
    new = new or random_secret(outbox.rng, outbox.style.key_prefix)
    outbox.credential.rotate(new)
    return JSONResponse({"api_key": new})


def outbox_routes(outbox: Outbox, parse: Parse, send_path: str, list_path: str) -> list[Route]:
    """The sending API (faults apply to sends only), the listing, and the control API."""
    return [
        Route(send_path, guarded(outbox.faults, partial(send, outbox, parse)), methods=["POST"]),
        Route(list_path, partial(listing, outbox), methods=["GET"]),
        Route("/_control/state", partial(state, outbox), methods=["GET"]),
        Route("/_control/rotate-credential", partial(rotate_credential, outbox), methods=["POST"]),
        *control_routes(outbox.faults),
    ]
