"""The proxy endpoints of the API, as a client sees them: status, headers and whole bodies."""

from __future__ import annotations

import logging
import socket

import pytest

from tests.fakes.toxiproxy.toxiproxy_world import HOST, address_of

TEXT = "text/plain; charset=utf-8"


def error(message: str, status: int) -> bytes:
    return b'{"error":"%s","status":%d}\n' % (message.encode(), status)


def test_create_proxy_answers_201_with_the_bound_listen_address(api, echo_server):
    answer = api.post("/proxies", json={"name": "redis", "listen": "localhost:0", "upstream": echo_server.upstream})

    host, port = address_of(answer.json()["listen"])
    assert (answer.status_code, answer.headers["content-type"]) == (201, "application/json")
    assert answer.content == (
        b'{"name":"redis","listen":"127.0.0.1:%d","upstream":"%s","enabled":true,"toxics":[]}'
        % (port, echo_server.upstream.encode())
    )
    assert host == HOST


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"upstream": "127.0.0.1:1"}, "missing required field: name"),
        ({"name": "redis"}, "missing required field: upstream"),
        ({"name": "", "upstream": "127.0.0.1:1"}, "missing required field: name"),
    ],
)
def test_create_proxy_without_a_required_field_is_400(api, body, message):
    answer = api.post("/proxies", json=body)

    assert (answer.status_code, answer.headers["content-type"]) == (400, TEXT)
    assert answer.content == error(message, 400)


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        (b"", "EOF"),
        (b'{"name": "redis"', "unexpected EOF"),
        (b"nope", "invalid character 'o' in literal null (expecting 'u')"),
        (b'{"name": 5}', "json: cannot unmarshal number into Go struct field Proxy.name of type string"),
        (b"[]", "json: cannot unmarshal array into Go value of type toxiproxy.Proxy"),
    ],
)
def test_create_proxy_with_a_bad_body_is_400_bad_request_body(api, body, detail):
    answer = api.post("/proxies", content=body)

    assert answer.status_code == 400
    assert answer.json() == {"error": f"bad request body: {detail}", "status": 400}


@pytest.mark.parametrize("path", ["/proxies", "/populate", "/proxies/echo", "/proxies/echo/toxics"])
@pytest.mark.parametrize(
    ("body", "detail"),
    [
        (b"[" * 100_000 + b"]" * 100_000, "the body nests arrays and objects deeper than 64 levels"),
        (b'{"name": "%s"}' % (b"x" * 1024 * 1024), "the body is larger than 1048576 bytes"),
    ],
)
def test_a_body_too_deep_or_too_large_is_400_bad_request_body_and_logs_no_error(
    api, echo_proxy, caplog, path, body, detail
):
    with caplog.at_level(logging.WARNING):
        answer = api.post(path, content=body)

    assert (answer.status_code, answer.headers["content-type"]) == (400, TEXT)
    assert answer.content == error(f"bad request body: {detail}", 400)
    assert [record.getMessage() for record in caplog.records] == []


def test_create_proxy_twice_is_409_proxy_already_exists(api, echo_server):
    body = {"name": "redis", "listen": f"{HOST}:0", "upstream": echo_server.upstream}
    api.post("/proxies", json=body)

    answer = api.post("/proxies", json=body)

    assert (answer.status_code, answer.content) == (409, error("proxy already exists", 409))


def test_create_proxy_on_a_port_in_use_is_500_that_says_so(api, echo_server):
    with socket.create_server((HOST, 0)) as taken:
        port = taken.getsockname()[1]
        answer = api.post("/proxies", json={"name": "redis", "listen": f"{HOST}:{port}", "upstream": "127.0.0.1:1"})

    message = f"listen tcp {HOST}:{port}: bind: address already in use"
    assert (answer.status_code, answer.content) == (500, error(message, 500))
    assert api.get("/proxies").json() == {}


def test_create_proxy_disabled_does_not_listen(api, echo_server):
    with socket.create_server((HOST, 0)) as probe:
        port = probe.getsockname()[1]
    body = {"name": "redis", "listen": f"{HOST}:{port}", "upstream": echo_server.upstream, "enabled": False}

    answer = api.post("/proxies", json=body)

    assert answer.json() == {**body, "toxics": []}
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection((HOST, port), timeout=1).close()


def test_get_proxies_maps_each_name_to_its_proxy_and_toxics(api, echo_proxy, add_toxic, echo_server):
    add_toxic("latency", latency=5)

    answer = api.get("/proxies")

    assert answer.json() == {
        "echo": {
            "name": "echo",
            "listen": f"{HOST}:{echo_proxy[1]}",
            "upstream": echo_server.upstream,
            "enabled": True,
            "toxics": [
                {
                    "attributes": {"latency": 5, "jitter": 0},
                    "name": "latency_downstream",
                    "type": "latency",
                    "stream": "downstream",
                    "toxicity": 1,
                }
            ],
        }
    }


def test_get_unknown_proxy_is_404_proxy_not_found(api):
    answer = api.get("/proxies/nope")

    assert (answer.status_code, answer.content) == (404, error("proxy not found", 404))


def test_disable_proxy_closes_open_connections_and_stops_listening(api, echo_proxy, connect):
    client = connect(echo_proxy)
    assert client.echo(b"before") == b"before"

    answer = api.patch("/proxies/echo", json={"enabled": False})

    assert answer.json()["enabled"] is False
    assert client.until_closed() == b""
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(echo_proxy, timeout=1).close()


def test_enable_proxy_listens_again_on_the_same_address(api, echo_proxy, connect, toxiproxy_client):
    proxy = toxiproxy_client.get_proxy("echo")

    with proxy.down():
        assert api.get("/proxies/echo").json()["enabled"] is False

    assert api.get("/proxies/echo").json()["listen"] == f"{HOST}:{echo_proxy[1]}"
    assert connect(echo_proxy).echo(b"again") == b"again"


def test_update_proxy_to_a_dead_upstream_closes_new_connections_at_once(api, echo_proxy, connect):
    with socket.create_server((HOST, 0)) as probe:
        dead = f"{HOST}:{probe.getsockname()[1]}"

    answer = api.post("/proxies/echo", json={"upstream": dead})

    assert answer.json()["upstream"] == dead
    assert connect(address_of(answer.json()["listen"])).until_closed() == b""


def test_delete_proxy_frees_its_port_at_once(api, echo_proxy):
    answer = api.delete("/proxies/echo")

    assert (answer.status_code, answer.content) == (204, b"")
    with socket.create_server(echo_proxy) as rebound:
        assert rebound.getsockname() == echo_proxy


def test_delete_unknown_proxy_is_404(api):
    assert api.delete("/proxies/nope").content == error("proxy not found", 404)


def test_upstream_down_accepts_the_client_then_closes_it(api, connect):
    with socket.create_server((HOST, 0)) as probe:
        dead = f"{HOST}:{probe.getsockname()[1]}"
    answer = api.post("/proxies", json={"name": "redis", "listen": f"{HOST}:0", "upstream": dead})

    client = connect(address_of(answer.json()["listen"]))

    assert client.until_closed() == b""


def test_browser_user_agent_is_403(api):
    answer = api.get("/proxies", headers={"User-Agent": "Mozilla/5.0 (X11; Linux x86_64) Firefox/120.0"})

    assert (answer.status_code, answer.content) == (403, b"User agent not allowed\n")


@pytest.mark.parametrize("path", ["/proxies", "/version", "/proxies/nope", "/nowhere"])
def test_every_response_has_a_request_id(api, path):
    first = api.get(path).headers["x-toxiproxy-request-id"]
    second = api.get(path).headers["x-toxiproxy-request-id"]

    assert (len(first), first.isalnum(), first != second) == (20, True, True)


def test_version_answers_toxiproxy_bytes(api, server):
    answer = api.get("/version")

    assert answer.headers["content-type"] == "application/json;charset=utf-8"
    assert answer.content == b'{"version": "%s"}\n' % server.state.version.encode()


def test_unknown_path_is_go_404_and_wrong_method_is_empty_405(api):
    unknown, wrong_method = api.get("/nowhere"), api.put("/proxies")

    assert (unknown.status_code, unknown.content) == (404, b"404 page not found\n")
    assert (wrong_method.status_code, wrong_method.content) == (405, b"")


def test_control_health_says_ok(api):
    assert api.get("/_control/health").json() == {"status": "ok"}


def test_toxiproxy_python_creates_lists_and_destroys_proxies(toxiproxy_client, echo_server):
    created = toxiproxy_client.create(upstream=echo_server.upstream, name="redis")

    listed = toxiproxy_client.proxies()
    destroyed = toxiproxy_client.destroy(created)

    assert (sorted(listed), listed["redis"].listen, listed["redis"].enabled) == (["redis"], created.listen, True)
    assert (destroyed, toxiproxy_client.proxies()) == (True, {})
