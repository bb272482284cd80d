"""A drill aims only at its own world: loopback addresses on the world's ports, and the world's service names."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from drills.errors import TargetRefusedError
from drills.world.protocol import Endpoint
from drills.world.spec import HealthCheck, HealthKind, ServiceKind, ServiceSpec, WorldSpec
from drills.world.targets import (
    AddressTarget,
    DatabaseTarget,
    ServiceTarget,
    Target,
    UrlTarget,
    check,
    check_address,
    check_all,
    check_database,
    check_service,
    check_url,
    is_loopback,
    literal_refusal,
    shown_url,
)

WORLD = SimpleNamespace(
    endpoints={
        "app": Endpoint("127.0.0.1", 8001, "http://127.0.0.1:8001"),
        "postgres": Endpoint("127.0.0.1", 5501, "postgresql://postgres:pw@127.0.0.1:5501/drillbit"),
        "redis": Endpoint("127.0.0.1", 6601, "redis://:pw@127.0.0.1:6601/0"),
    },
    proxies={"postgres": Endpoint("127.0.0.1", 5502, "postgresql://postgres:pw@127.0.0.1:5502/drillbit")},
    spec=WorldSpec(services=(ServiceSpec("app", ServiceKind.PYTHON, HealthCheck(HealthKind.HTTP)),)),
)
DOCKER_WORLD = SimpleNamespace(
    endpoints={"app": Endpoint("172.18.0.5", 8000, "http://172.18.0.5:8000")},
    proxies={},
)
HINT = "aim at one of the world's services through a reference like {app.url}: app (127.0.0.1:8001), "
HINT += "postgres (127.0.0.1:5501), redis (127.0.0.1:6601); proxies: postgres (127.0.0.1:5502)"


def _refusal(check: object, *args: object) -> str:
    with pytest.raises(TargetRefusedError) as refused:
        check(*args)  # type: ignore[operator]
    return str(refused.value)


@pytest.mark.parametrize(
    "host",
    ["127.0.0.1", "127.3.4.5", "::1", "[::1]", "localhost", "LOCALHOST", "localhost.", "::ffff:127.0.0.1"],
)
def test_is_loopback_accepts_every_way_of_writing_loopback(host: str) -> None:
    assert is_loopback(host) is True


@pytest.mark.parametrize(
    "host", ["0.0.0.0", "10.0.0.1", "example.com", "localhost.example.com", "127.1", "", "fe80::1%eth0", "::"]
)
def test_is_loopback_refuses_anything_else(host: str) -> None:
    assert is_loopback(host) is False


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8001/api/v1/health",
        "http://localhost:8001",
        "http://[::1]:5502/",
        "postgresql://postgres:pw@127.0.0.1:5501/drillbit",
        "redis://:pw@localhost:6601/0",
    ],
)
def test_check_url_accepts_the_worlds_services_and_proxies(url: str) -> None:
    assert check_url(url, WORLD) is None


def test_check_url_refuses_a_host_outside_the_world() -> None:
    assert _refusal(check_url, "https://api.example.com/v1/messages", WORLD) == (
        "https://api.example.com/v1/messages is not a service of this world (api.example.com is not a loopback "
        f"address); a drill never touches anything outside its world\nHint: {HINT}"
    )


def test_check_url_refuses_a_loopback_port_that_is_not_the_worlds() -> None:
    assert _refusal(check_url, "http://127.0.0.1:9999/", WORLD) == (
        "http://127.0.0.1:9999/ is not a service of this world (no service of this world listens on port 9999); "
        f"a drill never touches anything outside its world\nHint: {HINT}"
    )


def test_check_url_takes_the_schemes_default_port() -> None:
    assert _refusal(check_url, "http://localhost/", WORLD).splitlines()[0] == (
        "http://localhost/ is not a service of this world (no service of this world listens on port 80); "
        "a drill never touches anything outside its world"
    )


def test_check_url_reads_the_host_as_httpx_does() -> None:
    # The userinfo trick: what looks like 127.0.0.1 is only a user name; the request would go to evil.example.
    message = _refusal(check_url, "http://127.0.0.1:8001@evil.example/", WORLD).splitlines()[0]
    assert message == (
        "http://evil.example/ is not a service of this world (evil.example is not a loopback address); "
        "a drill never touches anything outside its world"
    )


def test_check_url_never_shows_a_password() -> None:
    message = _refusal(check_url, "postgresql://postgres:s3cret@db.example.com:5432/prod", WORLD).splitlines()[0]
    assert message == (
        "postgresql://db.example.com:5432/prod is not a service of this world (db.example.com is not a loopback "
        "address); a drill never touches anything outside its world"
    )


def test_check_url_refuses_a_url_without_a_host() -> None:
    assert _refusal(check_url, "unix:///var/run/redis.sock", WORLD).splitlines()[0] == (
        "unix:///var/run/redis.sock is not a service of this world (it has no host); "
        "a drill never touches anything outside its world"
    )


def test_check_url_accepts_a_docker_worlds_own_address_and_nothing_beside_it() -> None:
    check_url("http://172.18.0.5:8000/api/v1/health", DOCKER_WORLD)
    assert _refusal(check_url, "http://172.18.0.6:8000/", DOCKER_WORLD).splitlines()[0] == (
        "http://172.18.0.6:8000/ is not a service of this world (172.18.0.6 is not a loopback address); "
        "a drill never touches anything outside its world"
    )


def test_check_address_accepts_a_proxy_port() -> None:
    assert check_address("localhost", 5502, WORLD) is None


def test_check_address_refuses_another_host() -> None:
    assert _refusal(check_address, "10.1.2.3", 5501, WORLD).splitlines() == [
        "10.1.2.3:5501 is not a service of this world (10.1.2.3 is not a loopback address); "
        "a drill never touches anything outside its world",
        f"Hint: {HINT}",
    ]


def test_check_database_accepts_the_worlds_postgres() -> None:
    assert check_database("postgresql://postgres:pw@127.0.0.1:5501/other", WORLD) is None


@pytest.mark.parametrize(
    ("conninfo", "why"),
    [
        ("postgresql://postgres:pw@127.0.0.1:5501/db?host=db.example.com", "db.example.com:5501"),
        ("host=127.0.0.1 hostaddr=10.0.0.9 port=5501 dbname=db", "10.0.0.9:5501"),
        ("postgresql://127.0.0.1:5501,db.example.com:5432/db", "db.example.com:5432"),
        ("host=127.0.0.1 port=5432 dbname=db", "127.0.0.1:5432"),
    ],
)
def test_check_database_refuses_every_host_libpq_could_reach(conninfo: str, why: str) -> None:
    assert _refusal(check_database, conninfo, WORLD).startswith(f"{why} is not a service of this world")


@pytest.mark.parametrize(
    ("conninfo", "why"),
    [
        ("dbname=db", "it must name its host and port"),
        ("service=prod dbname=db", "it names a service instead of a host"),
        ("host=/var/run/postgresql port=5501", "/var/run/postgresql is not a loopback address"),
    ],
)
def test_check_database_refuses_what_it_cannot_see_through(conninfo: str, why: str) -> None:
    assert f"({why})" in _refusal(check_database, conninfo, WORLD).splitlines()[0]


def test_check_service_refuses_a_name_the_world_does_not_have() -> None:
    assert _refusal(check_service, "billing", WORLD) == (
        "'billing' is not a service of this world; a drill never touches anything outside its world\n"
        "Hint: its services are: app"
    )


@pytest.mark.parametrize(
    ("target", "shown"),
    [
        (UrlTarget("https://user:pw@api.example.com/v1?key=k"), "https://api.example.com/v1?… is not"),
        (AddressTarget("10.1.2.3", 5501), "10.1.2.3:5501 is not"),
        (DatabaseTarget("host=db.example.com port=5501 dbname=x"), "db.example.com:5501 is not"),
        (ServiceTarget("billing"), "'billing' is not"),
    ],
    ids=["url", "address", "database", "service"],
)
def test_check_refuses_every_kind_of_target_by_the_same_rule(target: Target, shown: str) -> None:
    assert _refusal(check, target, WORLD).startswith(shown)


def test_check_all_accepts_the_worlds_own_targets() -> None:
    targets = [UrlTarget("http://127.0.0.1:8001/x"), AddressTarget("::1", 6601), ServiceTarget("app")]
    assert check_all(targets, WORLD) is None


def test_check_all_refuses_the_first_target_outside() -> None:
    targets = [UrlTarget("http://127.0.0.1:8001/x"), AddressTarget("10.1.2.3", 80), UrlTarget("http://x.example/")]
    assert _refusal(check_all, targets, WORLD).startswith("10.1.2.3:80 is not a service of this world")


@pytest.mark.parametrize(
    ("host", "reason"),
    [("localhost", None), ("127.0.0.1", None), ("::1", None), ("10.1.2.3", "10.1.2.3 is not a loopback address")],
)
def test_literal_refusal_judges_a_written_host_by_loopback_alone(host: str, reason: str | None) -> None:
    assert literal_refusal(host) == reason


def test_shown_url_hides_credentials_and_the_query() -> None:
    shown = [shown_url(url) for url in ("http://a:b@h:1/p?key=s#f", "http://h/p", "redis://:pw@h:1/0")]
    assert shown == ["http://h:1/p?…#f", "http://h/p", "redis://h:1/0"]
