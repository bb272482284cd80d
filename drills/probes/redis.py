"""Redis probes: one command, and its reply as ``redis-cli`` would show it."""

from __future__ import annotations

import json
from collections.abc import Sequence

import redis
from pydantic import JsonValue
from redis.backoff import NoBackoff
from redis.retry import Retry

from drills.errors import ProbeError
from drills.language.conditions import as_text, check, show
from drills.language.expect import RedisExpect
from drills.probes.result import DEFAULT_LIMITS, ProbeLimits, ProbeResult, bounded, describe, outcome, unreadable
from drills.world.context import DrillContext


def read_redis(
    command: Sequence[str], expect: RedisExpect, context: DrillContext, limits: ProbeLimits = DEFAULT_LIMITS
) -> ProbeResult:
    """Sends ``command`` (its words, references already resolved) to the world's Redis and checks the reply."""
    words = list(command)
    what = " ".join(words[:2])
    started = context.stopwatch.monotonic()
    try:
        reply = _send(_client(context, limits), words)
    except redis.RedisError as error:
        return unreadable(context, f"{what}: {describe(error)}", context.stopwatch.monotonic() - started)
    latency = context.stopwatch.monotonic() - started
    reason = None if expect.reply is None else check(expect.reply, reply)
    text = _text(reply)
    return outcome(
        context,
        [] if reason is None else [f"{what}: {reason}"],
        f"{what} answered {show(reply)}",
        value=bounded(reply),
        output=text,
        parsed=_document(reply),
        latency_s=latency,
    )


def decode(reply: object) -> JsonValue:
    """A raw Redis reply as JSON: bulk strings as text, arrays as lists, integers as they are."""
    if reply is None or isinstance(reply, bool | int | float | str):
        return reply
    if isinstance(reply, bytes):
        return reply.decode(errors="replace")
    if isinstance(reply, list | tuple | set):
        return [decode(item) for item in reply]
    if isinstance(reply, dict):
        return {as_text(decode(key)): decode(value) for key, value in reply.items()}
    return str(reply)


def redis_url(context: DrillContext) -> str:
    """The world's Redis server: what a command is sent to."""
    endpoint = context.world.endpoints.get("redis")
    if endpoint is None:
        raise ProbeError("a redis probe needs the world's redis service, and this world has none")
    return endpoint.url


def _client(context: DrillContext, limits: ProbeLimits) -> redis.Redis:
    # No retries: a probe reports what one attempt saw, within its own bound.
    client = redis.Redis.from_url(
        redis_url(context),
        socket_timeout=limits.read_s,
        socket_connect_timeout=limits.connect_s,
        retry=Retry(NoBackoff(), 0),
        # RESP2, as redis-cli speaks by default: a hash comes back as a flat list, not a map.
        protocol=2,
    )
    # redis-py turns some replies into conveniences (SET into True, HGETALL into a dict); a runbook reader
    # expects what redis-cli shows, so every reply stays raw.
    client.response_callbacks.clear()
    return client


def _send(client: redis.Redis, words: list[str]) -> JsonValue:
    try:
        return decode(client.execute_command(*words))  # type: ignore[no-untyped-call]  # redis-py leaves it untyped
    finally:
        client.close()


def _document(reply: JsonValue) -> JsonValue:
    """What a JSON path reads in the reply: the document a text reply holds (a cached answer), else the reply."""
    if isinstance(reply, str):
        try:
            parsed: JsonValue = json.loads(reply)
        except ValueError:
            return reply
        return parsed
    return reply


def _text(reply: JsonValue) -> str:
    """The reply as ``redis-cli --raw`` prints it: one line per element of an array."""
    if isinstance(reply, list):
        return "\n".join(_text(item) for item in reply)
    return "" if reply is None else as_text(reply)
