"""POST /populate: create, keep or replace proxies in one call, as toxiproxy does."""

from __future__ import annotations

import logging
import socket

from tests.fakes.toxiproxy.toxiproxy_world import HOST, api_client


def proxy_json(name: str, listen: str, upstream: str, toxics: list[object] | None = None) -> dict[str, object]:
    return {"name": name, "listen": listen, "upstream": upstream, "enabled": True, "toxics": toxics or []}


def free_port() -> int:
    with socket.create_server((HOST, 0)) as probe:
        return int(probe.getsockname()[1])


def test_populate_creates_every_proxy_and_answers_201_with_them(api, echo_server):
    ports = free_port(), free_port()
    body = [{"name": f"p{port}", "listen": f"{HOST}:{port}", "upstream": echo_server.upstream} for port in ports]

    answer = api.post("/populate", json=body)

    assert answer.status_code == 201
    assert answer.json() == {
        "proxies": [proxy_json(f"p{port}", f"{HOST}:{port}", echo_server.upstream) for port in ports]
    }


def test_populate_keeps_an_unchanged_proxy_with_its_toxics(api, echo_proxy, echo_server, add_toxic):
    toxic = add_toxic("latency", latency=5)
    listen = f"{HOST}:{echo_proxy[1]}"

    answer = api.post("/populate", json=[{"name": "echo", "listen": listen, "upstream": echo_server.upstream}])

    assert answer.json() == {"proxies": [proxy_json("echo", listen, echo_server.upstream, [toxic])]}


def test_populate_replaces_a_proxy_whose_upstream_differs(api, echo_proxy, add_toxic):
    add_toxic("latency", latency=5)
    listen = f"{HOST}:{echo_proxy[1]}"

    answer = api.post("/populate", json=[{"name": "echo", "listen": listen, "upstream": "127.0.0.1:1"}])

    assert answer.json() == {"proxies": [proxy_json("echo", listen, "127.0.0.1:1")]}
    assert api.get("/proxies/echo/toxics").json() == []


def test_populate_with_a_missing_field_names_the_entry_and_creates_nothing(api, echo_server):
    body = [{"name": "one", "listen": f"{HOST}:0", "upstream": echo_server.upstream}, {"name": "two"}]

    answer = api.post("/populate", json=body)

    assert (answer.status_code, answer.content) == (
        400,
        b'{"error":"missing required field: upstream at proxy 2","status":400,"proxies":null}',
    )
    assert api.get("/proxies").json() == {}


def test_populate_stops_at_an_entry_that_cannot_listen_keeping_those_before(api, echo_server):
    first = free_port()
    body = [
        {"name": "one", "listen": f"{HOST}:{first}", "upstream": echo_server.upstream},
        {"name": "two", "listen": "local373", "upstream": echo_server.upstream},
        {"name": "three", "listen": f"{HOST}:0", "upstream": echo_server.upstream},
    ]

    answer = api.post("/populate", json=body)

    assert answer.status_code == 500
    assert answer.json() == {
        "error": "listen tcp: address local373: missing port in address",
        "status": 500,
        "proxies": [proxy_json("one", f"{HOST}:{first}", echo_server.upstream)],
    }
    assert sorted(api.get("/proxies").json()) == ["one"]


def test_populate_with_an_empty_list_answers_null_proxies(api):
    answer = api.post("/populate", json=[])

    assert (answer.status_code, answer.content) == (201, b'{"proxies":null}')


def test_populate_with_toxiproxy_python_creates_only_what_is_missing(toxiproxy_client, echo_proxy, echo_server):
    listen = f"{HOST}:{echo_proxy[1]}"
    wanted = [
        {"name": "echo", "listen": listen, "upstream": echo_server.upstream},
        {"name": "other", "listen": f"{HOST}:{free_port()}", "upstream": echo_server.upstream},
    ]

    created = toxiproxy_client.populate(wanted)

    assert [proxy.name for proxy in created] == ["other"]
    assert sorted(toxiproxy_client.proxies()) == ["echo", "other"]


def test_config_file_nested_too_deep_is_logged_and_the_server_starts_anyway(start_server, tmp_path, caplog):
    config = tmp_path / "proxies.json"
    config.write_bytes(b"[" * 100_000 + b"]" * 100_000)

    with caplog.at_level(logging.ERROR, logger="fakes.toxiproxy"):
        server = start_server(config=config)
        with api_client(server.url) as client:
            proxies = client.get("/proxies").json()

    assert proxies == {}
    detail = "bad request body: the body nests arrays and objects deeper than 64 levels"
    assert [record.getMessage() for record in caplog.records if record.name == "fakes.toxiproxy.api"] == [
        f"Failed to populate proxies from file: {detail}"
    ]
