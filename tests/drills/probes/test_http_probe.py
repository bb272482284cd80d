"""HTTP probes against a real HTTP server of the test's own."""

from __future__ import annotations

import json
import ssl

import httpx
import pytest
from httpx._transports import default as httpx_transport
from pydantic import JsonValue

from drills.errors import ProbeError, UnresolvedReferenceError
from drills.probes import Evaluator, ProbeLimits, ProbeResult, evaluate
from drills.world.context import DrillContext
from tests.drills.probes.probe_world import (
    HttpServer,
    Received,
    Reply,
    closed_port,
    make_probe,
    silent_port,
    with_service,
)

HEALTHY: JsonValue = {"status": "ok", "checks": {"db": {"status": "ok"}, "cache": {"status": "ok"}}}
DEGRADED: JsonValue = {"status": "degraded", "checks": {"db": {"status": "down"}, "cache": {"status": "ok"}}}


def json_reply(status: int, document: object, **headers: str) -> Reply:
    return Reply(status, json.dumps(document), {"Content-Type": "application/json", **headers})


def test_http_probe_holds_and_says_what_it_read(http_server: HttpServer, context: DrillContext) -> None:
    http_server.answer("/api/v1/health", json_reply(200, HEALTHY))
    probe = make_probe({"kind": "http", "url": "{app.url}/api/v1/health", "expect": {"status": 200}})
    assert evaluate(probe, context) == ProbeResult(
        held=True,
        detail=f"GET {http_server.url}/api/v1/health answered 200 in 0 ms",
        value={"status": 200, "json": HEALTHY},
        output=json.dumps(HEALTHY),
        parsed=HEALTHY,
        latency_s=0.0,
    )


def test_http_probe_keeps_a_large_answer_out_of_its_value(http_server: HttpServer, context: DrillContext) -> None:
    fleet: JsonValue = {"tenants": [{"id": number, "state": "connected"} for number in range(1000)]}
    http_server.answer("/api/v1/admin/fleet-health", json_reply(200, fleet))
    probe = make_probe(
        {
            "kind": "http",
            "url": "{app.url}/api/v1/admin/fleet-health",
            "expect": {"json": {"$.tenants": {"length": 1000}}},
        }
    )
    result = evaluate(probe, context)
    assert (result.held, result.value, result.parsed) == (
        True,
        {"status": 200, "json": f"({len(json.dumps(fleet))} characters of JSON, not kept)"},
        fleet,
    )


def test_http_probe_by_default_holds_below_400(http_server: HttpServer, context: DrillContext) -> None:
    http_server.answer("/moved", Reply(302, "", {"Location": "/elsewhere"}))
    http_server.answer("/broken", Reply(500, "boom"))
    moved = evaluate(make_probe({"kind": "http", "url": "{app.url}/moved"}), context)
    broken = evaluate(make_probe({"kind": "http", "url": "{app.url}/broken"}), context)
    assert (moved.held, broken.held, broken.detail) == (True, False, "status: expected < 400, got 500")


def test_http_probe_checks_json_paths_and_says_which_failed(http_server: HttpServer, context: DrillContext) -> None:
    http_server.answer("/api/v1/health", json_reply(503, DEGRADED))
    probe = make_probe(
        {
            "kind": "http",
            "url": "{app.url}/api/v1/health",
            "expect": {"status": 503, "json": {"$.checks.db.status": "ok", "$.checks.cache.status": "ok"}},
        }
    )
    assert (evaluate(probe, context).held, evaluate(probe, context).detail) == (
        False,
        "$.checks.db.status: expected 'ok', got 'down'",
    )


def test_http_probe_sends_the_request_with_references_resolved(http_server: HttpServer, context: DrillContext) -> None:
    http_server.answer("/api/v1/admin/provider/rotate-secret", json_reply(200, {"rotated": True}))
    context.save("secret", "cs_new")
    probe = make_probe(
        {
            "kind": "http",
            "method": "POST",
            "url": "{app.url}/api/v1/admin/provider/rotate-secret",
            "headers": {"Authorization": "Bearer {secrets.admin_api_key}"},
            "json": {"client_secret": "{saved.secret}"},
        }
    )
    evaluate(probe, context)
    request = http_server.received[0]
    assert (request.method, request.path, request.headers["Authorization"], json.loads(request.body)) == (
        "POST",
        "/api/v1/admin/provider/rotate-secret",
        f"Bearer {context.secrets()['admin_api_key']}",
        {"client_secret": "cs_new"},
    )


def test_http_probe_sends_a_form(http_server: HttpServer, context: DrillContext) -> None:
    http_server.answer("/oauth/token", json_reply(200, {}))
    probe = make_probe(
        {"kind": "http", "method": "POST", "url": "{app.url}/oauth/token", "form": {"grant_type": "refresh_token"}}
    )
    evaluate(probe, context)
    request: Received = http_server.received[0]
    assert (request.headers["Content-Type"], request.body) == (
        "application/x-www-form-urlencoded",
        "grant_type=refresh_token",
    )


def test_http_probe_checks_headers_by_any_case(http_server: HttpServer, context: DrillContext) -> None:
    http_server.answer("/limited", json_reply(429, {"error": "rate_limited"}, **{"Retry-After": "7"}))
    probe = make_probe(
        {
            "kind": "http",
            "url": "{app.url}/limited",
            "expect": {"status": 429, "headers": {"retry-after": {"ge": 10}, "X-Trace": {"exists": True}}},
        }
    )
    assert evaluate(probe, context).detail == (
        "header retry-after: expected >= 10, got '7'; header X-Trace: expected to exist"
    )


def test_http_probe_says_when_the_answer_is_not_json(http_server: HttpServer, context: DrillContext) -> None:
    http_server.answer("/admin/fleet-health", Reply(200, "<html>fleet</html>", {"Content-Type": "text/html"}))
    probe = make_probe({"kind": "http", "url": "{app.url}/admin/fleet-health", "expect": {"json": {"$.rows": 1}}})
    assert evaluate(probe, context).detail == "expected a JSON answer, got text/html: '<html>fleet</html>'"


def test_http_probe_never_shows_a_secret_it_reads(http_server: HttpServer, context: DrillContext) -> None:
    key = context.secrets()["admin_api_key"]
    http_server.answer("/echo", Reply(200, f"key={key}"))
    probe = make_probe({"kind": "http", "url": "{app.url}/echo", "expect": {"body_contains": "ok"}})
    result = evaluate(probe, context)
    assert (result.detail, result.output) == ("expected the answer to contain 'ok', got 'key=***'", f"key={key}")


def test_http_probe_that_cannot_connect_does_not_hold(context: DrillContext) -> None:
    port = closed_port()
    probe = make_probe({"kind": "http", "url": f"http://drill:hunter2@127.0.0.1:{port}/health?token=abc"})
    assert evaluate(probe, with_service(context, "down", port)) == ProbeResult(
        held=False, detail=f"GET http://127.0.0.1:{port}/health?…: [Errno 111] Connection refused"
    )


def test_http_probe_gives_up_on_a_server_that_never_answers(wall_context: DrillContext) -> None:
    with silent_port() as port:
        probe = make_probe({"kind": "http", "url": f"http://127.0.0.1:{port}/health"})
        result = Evaluator(ProbeLimits(read_s=0.2)).evaluate(probe, with_service(wall_context, "hung", port))
    assert (result.held, result.detail) == (False, f"GET http://127.0.0.1:{port}/health: no answer within 0.2s")


def test_http_probe_max_latency_bounds_the_wait(http_server: HttpServer, wall_context: DrillContext) -> None:
    http_server.answer("/slow", Reply(200, "late", delay_s=1.0))
    probe = make_probe({"kind": "http", "url": "{app.url}/slow", "expect": {"max_latency": "100ms"}})
    result = evaluate(probe, wall_context)
    # The server answers after a second: only a probe that stopped waiting at 0.1 s says this.
    assert (result.held, result.detail) == (
        False,
        f"GET {wall_context.world.endpoints['app'].url}/slow: no answer within 0.1s",
    )


def test_http_probe_max_latency_holds_for_a_quick_answer(http_server: HttpServer, wall_context: DrillContext) -> None:
    http_server.answer("/quick", Reply(200, "ok"))
    probe = make_probe({"kind": "http", "url": "{app.url}/quick", "expect": {"max_latency": "10s"}})
    assert evaluate(probe, wall_context).held is True


def test_http_probe_raises_on_an_unresolved_reference(context: DrillContext) -> None:
    probe = make_probe({"kind": "http", "url": "{app.url}/x", "headers": {"X-Token": "{saved.token}"}})
    with pytest.raises(UnresolvedReferenceError, match=r"unknown reference \{saved\.token\}"):
        evaluate(probe, context)


def test_http_probe_raises_on_a_url_that_is_not_http(context: DrillContext) -> None:
    probe = make_probe({"kind": "http", "url": "{postgres.url}"})
    with pytest.raises(ProbeError, match=r"^cannot send GET postgresql://127\.0\.0\.1:\d+/drillbit: "):
        evaluate(probe, context)


def test_http_probe_is_rendered_once_so_an_escaped_reference_reaches_the_wire_as_text(
    http_server: HttpServer, context: DrillContext
) -> None:
    http_server.answer("/echo", json_reply(200, {"said": "{app.url}"}))
    probe = make_probe(
        {
            "kind": "http",
            "method": "POST",
            "url": "{app.url}/echo",
            "headers": {"X-Template": "{{app.url}}"},
            "json": {"template": "{{saved.x}}"},
            "expect": {"json": {"$.said": "{{app.url}}"}},
        }
    )
    result = evaluate(probe, context)
    request = http_server.received[0]
    assert (result.held, request.headers["X-Template"], json.loads(request.body)) == (
        True,
        "{app.url}",
        {"template": "{saved.x}"},
    )


def test_http_probe_reads_share_one_tls_context(
    http_server: HttpServer, context: DrillContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A monitor reads every tenth of a second: each read must not build its own certificate store."""
    built: list[object] = []
    real = httpx.create_ssl_context

    def counting(verify: object = True, **options: object) -> ssl.SSLContext:
        if not isinstance(verify, ssl.SSLContext):  # handed a context, httpx builds none
            built.append(verify)
        return real(verify=verify, **options)  # type: ignore[arg-type]

    monkeypatch.setattr(httpx_transport, "create_ssl_context", counting)  # where httpx's transports build one
    http_server.answer("/api/v1/health", json_reply(200, HEALTHY))
    probe = make_probe({"kind": "http", "url": "{app.url}/api/v1/health", "expect": {"status": 200}})

    results = [evaluate(probe, context) for _ in range(3)]

    assert all(result.held for result in results)
    assert built == []
