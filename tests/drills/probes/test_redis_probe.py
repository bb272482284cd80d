"""Redis probes on the session's real redis-server."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import pytest
import redis

from drills.language.conditions import capture
from drills.language.expect import Capture
from drills.probes import ProbeResult, evaluate
from drills.world.context import DrillContext
from drills.world.protocol import Endpoint
from tests.drills.probes.probe_world import ProbeWorld, closed_port, make_probe


@pytest.fixture
def client(redis_url: str) -> Iterator[redis.Redis]:
    """A client of the test's own, to arrange keys under probes:*; they are deleted afterwards."""
    own = redis.Redis.from_url(redis_url, socket_timeout=5)
    yield own
    keys = list(own.scan_iter("probes:*"))
    if keys:
        own.delete(*keys)
    own.close()


def test_redis_probe_reads_a_reply_as_text(client: redis.Redis, context: DrillContext) -> None:
    client.set("probes:breaker", "open")
    probe = make_probe({"kind": "redis", "command": ["GET", "probes:breaker"], "expect": {"reply": "open"}})
    assert evaluate(probe, context) == ProbeResult(
        held=True, detail="GET probes:breaker answered 'open'", value="open", output="open", parsed="open"
    )


def test_redis_probe_says_when_the_reply_differs(client: redis.Redis, context: DrillContext) -> None:
    client.set("probes:breaker", "open")
    probe = make_probe({"kind": "redis", "command": ["GET", "probes:breaker"], "expect": {"reply": "closed"}})
    assert evaluate(probe, context).detail == "GET probes:breaker: expected 'closed', got 'open'"


def test_redis_probe_keeps_replies_raw_as_redis_cli_shows_them(client: redis.Redis, context: DrillContext) -> None:
    client.hset("probes:tenant", mapping={"name": "acme"})
    replies = [
        evaluate(make_probe({"kind": "redis", "command": words}), context).value
        for words in (["SET", "probes:a", "1"], ["INCR", "probes:a"], ["HGETALL", "probes:tenant"], ["PING"])
    ]
    assert replies == ["OK", 2, ["name", "acme"], "PONG"]


def test_redis_probe_output_of_a_list_is_one_line_per_item(client: redis.Redis, context: DrillContext) -> None:
    client.rpush("probes:queue", "a", "b")
    result = evaluate(make_probe({"kind": "redis", "command": ["LRANGE", "probes:queue", 0, -1]}), context)
    assert (result.value, result.output) == (["a", "b"], "a\nb")


def test_redis_probe_missing_key_is_null(client: redis.Redis, context: DrillContext) -> None:
    probe = make_probe({"kind": "redis", "command": ["GET", "probes:none"], "expect": {"reply": {"exists": False}}})
    assert evaluate(probe, context) == ProbeResult(held=True, detail="GET probes:none answered null")


def test_redis_probe_json_reply_can_be_saved_by_path(client: redis.Redis, context: DrillContext) -> None:
    client.set("probes:fleet", '{"generation": 7, "rows": []}')
    result = evaluate(make_probe({"kind": "redis", "command": ["GET", "probes:fleet"]}), context)
    assert capture(Capture.model_validate("$.generation"), result.output, result.parsed) == "7"


def test_redis_probe_resolves_references_in_its_words(client: redis.Redis, context: DrillContext) -> None:
    client.set("probes:acme", "x")
    context.save("tenant", "acme")
    probe = make_probe({"kind": "redis", "command": ["EXISTS", "probes:{saved.tenant}"], "expect": {"reply": 1}})
    assert evaluate(probe, context).held is True


def test_redis_probe_with_an_error_reply_does_not_hold(client: redis.Redis, context: DrillContext) -> None:
    client.rpush("probes:list", "a")
    result = evaluate(make_probe({"kind": "redis", "command": ["GET", "probes:list"]}), context)
    assert result == ProbeResult(
        held=False, detail="GET probes:list: WRONGTYPE Operation against a key holding the wrong kind of value"
    )


def test_redis_probe_that_cannot_connect_does_not_hold(probe_world: ProbeWorld, context: DrillContext) -> None:
    port = closed_port()
    gone = Endpoint("127.0.0.1", port, f"redis://:pw@127.0.0.1:{port}/0")
    elsewhere = replace(context, world=replace(probe_world, extra={**probe_world.extra, "redis": gone}))
    result = evaluate(make_probe({"kind": "redis", "command": ["PING"]}), elsewhere)
    assert result == ProbeResult(
        held=False, detail=f"PING: Error 111 connecting to 127.0.0.1:{port}. Connection refused."
    )
