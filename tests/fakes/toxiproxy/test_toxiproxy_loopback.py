"""A proxy listens and forwards on loopback only, unless the server was started with ``--allow-remote``."""

from __future__ import annotations

import json
import logging

import pytest

from fakes.toxiproxy.loopback import is_loopback
from tests.fakes.toxiproxy.toxiproxy_world import HOST, address_of, api_client

HINT = "is not loopback (127.0.0.0/8, ::1 or localhost); start the server with --allow-remote to allow it"


def refusal(what: str) -> dict[str, object]:
    return {"error": f"address not allowed: {what} {HINT}", "status": 400}


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.255.255.254", True),
        ("::1", True),
        ("::ffff:127.0.0.1", True),
        ("localhost", True),
        ("LOCALHOST", True),
        ("", False),
        ("0.0.0.0", False),
        ("::", False),
        ("10.0.0.1", False),
        ("::ffff:10.0.0.1", False),
        ("localhost.", False),
        ("localhost.example.com", False),
        ("127.1", False),
        ("example.com", False),
    ],
)
def test_is_loopback_takes_only_loopback_literals_and_localhost(host, loopback):
    assert is_loopback(host) is loopback


@pytest.mark.parametrize(
    ("listen", "upstream", "what"),
    [
        (f"{HOST}:0", "10.0.0.1:80", "upstream 10.0.0.1:80"),
        (f"{HOST}:0", "example.com:80", "upstream example.com:80"),
        (f"{HOST}:0", "[::ffff:10.0.0.1]:80", "upstream [::ffff:10.0.0.1]:80"),
        (f"{HOST}:0", ":80", "upstream :80"),
        ("0.0.0.0:0", "127.0.0.1:1", "listen 0.0.0.0:0"),
        ("[::]:0", "127.0.0.1:1", "listen [::]:0"),
        (":0", "127.0.0.1:1", "listen :0"),
        (None, "127.0.0.1:1", "listen (every interface)"),
    ],
)
def test_create_proxy_off_loopback_is_400_and_creates_nothing(api, listen, upstream, what):
    body = {"name": "mail", "upstream": upstream} | ({} if listen is None else {"listen": listen})

    answer = api.post("/proxies", json=body)

    assert (answer.status_code, answer.headers["content-type"]) == (400, "text/plain; charset=utf-8")
    assert answer.json() == refusal(what)
    assert api.get("/proxies").json() == {}


@pytest.mark.parametrize(
    ("listen", "upstream"),
    [
        ("127.0.0.1:0", "127.0.0.1:1"),
        ("localhost:0", "localhost:1"),
        ("127.0.0.2:0", "[::1]:1"),
        ("127.0.0.1:0", "127.255.255.254:1"),
    ],
)
def test_create_proxy_on_loopback_is_201(api, listen, upstream):
    answer = api.post("/proxies", json={"name": "mail", "listen": listen, "upstream": upstream})

    assert (answer.status_code, answer.json()["upstream"]) == (201, upstream)


@pytest.mark.parametrize(
    ("change", "what"),
    [({"upstream": "10.0.0.1:80"}, "upstream 10.0.0.1:80"), ({"listen": "0.0.0.0:0"}, "listen 0.0.0.0:0")],
)
@pytest.mark.parametrize("method", ["POST", "PATCH"])
def test_update_proxy_off_loopback_is_400_and_changes_nothing(api, echo_proxy, connect, method, change, what):
    before = api.get("/proxies/echo").json()

    answer = api.request(method, "/proxies/echo", json=change)

    assert (answer.status_code, answer.json()) == (400, refusal(what))
    assert api.get("/proxies/echo").json() == before
    assert connect(echo_proxy).echo(b"still here") == b"still here"


def test_populate_with_an_entry_off_loopback_is_400_and_changes_nothing(api, echo_proxy, echo_server):
    listen = f"{HOST}:{echo_proxy[1]}"
    body = [
        {"name": "echo", "listen": listen, "upstream": "10.0.0.1:80"},
        {"name": "other", "listen": f"{HOST}:0", "upstream": echo_server.upstream},
    ]

    answer = api.post("/populate", json=body)

    assert answer.status_code == 400
    assert answer.json() == {**refusal("upstream 10.0.0.1:80 at proxy 1"), "proxies": None}
    assert list(api.get("/proxies").json()) == ["echo"]
    assert api.get("/proxies/echo").json()["upstream"] == echo_server.upstream


def test_config_file_off_loopback_is_logged_and_creates_nothing(start_server, tmp_path, caplog):
    config = tmp_path / "proxies.json"
    config.write_text(json.dumps([{"name": "mail", "listen": "0.0.0.0:0", "upstream": "127.0.0.1:1"}]))

    with caplog.at_level(logging.ERROR, logger="fakes.toxiproxy"):
        server = start_server(config=config)
        with api_client(server.url) as client:
            proxies = client.get("/proxies").json()

    assert proxies == {}
    assert [record.getMessage() for record in caplog.records if record.name == "fakes.toxiproxy.api"] == [
        f"Failed to populate proxies from file: address not allowed: listen 0.0.0.0:0 at proxy 1 {HINT}"
    ]


def test_server_allowing_remote_creates_a_proxy_to_another_host(start_server):
    server = start_server(allow_remote=True)
    body = {"name": "mail", "listen": f"{HOST}:0", "upstream": "10.0.0.1:80"}

    with api_client(server.url) as client:
        answer = client.post("/proxies", json=body)

    assert (answer.status_code, answer.json()["upstream"], address_of(answer.json()["listen"])[0]) == (
        201,
        "10.0.0.1:80",
        HOST,
    )
